/**
 * SPDX 3.0.1 JSON-LD with the AI and Dataset profiles. The model is an `ai_AIPackage` (the root of a
 * `software_Sbom`); its files are `software_File`s with SHA-256 in `verifiedUsing`; datasets are
 * `dataset_DatasetPackage`s; base models and Python packages are `software_Package`s. Relationships:
 * contains, trainedOn, testedOn, descendantOf, dependsOn, hasDeclaredLicense.
 *
 * The profiles require times the repository does not state (an AI package's releaseTime, a dataset's
 * releaseTime and builtTime): Vouch writes the document's creation time there and says so in `comment`.
 * Unknown suppliers and originators are SPDX's NoAssertionElement.
 */
import { canonicalJson } from "../report/json.js";
import { contentUuid, hubDatasetUrl, hubModelUrl, huggingfacePurl, isHubId, slug } from "./ids.js";
import type { BomFacts, DatasetFacts, LicenceFacts } from "./types.js";

type Json = Record<string, unknown>;

export const SPDX_CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld";
export const NO_ASSERTION_ELEMENT = "https://spdx.org/rdf/3.0.1/terms/Core/NoAssertionElement";
const CI = "_:creationinfo";
const UNKNOWN_TIME_NOTE = "releaseTime and builtTime are this document's creation time: the repository does not state them";

export function toSpdx3(facts: BomFacts): Json {
  // Ids live under a namespace derived from the content (not the time or the path given): the same model gets the same ids.
  const { created: _c, target: _t, ...timeless } = facts;
  const ns = `https://spdx.org/spdxdocs/vouch-${contentUuid(canonicalJson(timeless))}`;
  const g = new Graph(ns);
  const m = facts.model;

  const agent = g.add("SoftwareAgent", "agent/vouch", { name: `${facts.tool.name} ${facts.tool.version}` });
  const tool = g.add("Tool", "tool/vouch", { name: facts.tool.name });
  const supplier = m.repoId !== undefined && isHubId(m.repoId) ? g.organization(m.repoId.split("/")[0]) : NO_ASSERTION_ELEMENT;
  const modelUrl = m.repoId !== undefined ? hubModelUrl(m.repoId) : undefined;
  const purl = m.repoId !== undefined ? huggingfacePurl(m.repoId, m.commit) : undefined;

  const model = g.add("ai_AIPackage", "model", {
    name: m.name,
    software_packageVersion: m.commit ?? m.digest,
    software_downloadLocation: modelUrl ?? "NOASSERTION",
    ...(purl !== undefined ? { software_packageUrl: purl } : {}),
    releaseTime: facts.created,
    suppliedBy: supplier,
    software_primaryPurpose: "model",
    ...(m.architecture !== undefined || m.architectureFamily !== undefined ? { ai_typeOfModel: [m.architecture, m.architectureFamily].filter((x) => x !== undefined) } : {}),
    ...(m.task !== undefined ? { ai_domain: [m.task] } : {}),
    ...(m.considerations.useCases.length > 0 ? { ai_informationAboutApplication: m.considerations.useCases.join("\n") } : {}),
    ...(m.considerations.limitations.length > 0 ? { ai_limitation: m.considerations.limitations.join("\n") } : {}),
    ...(m.metrics.length > 0 ? { ai_metric: m.metrics.map((x) => ({ type: "DictionaryEntry", key: x.slice !== undefined ? `${x.type} (${x.slice})` : x.type, value: x.value })) } : {}),
    externalIdentifier: [{ type: "ExternalIdentifier", externalIdentifierType: "other", identifier: m.digest, comment: "Vouch model digest: SHA-256 over the files' SHA-256s (vouch digest)" }],
    ...(modelUrl !== undefined && m.hasCard ? { externalRef: [{ type: "ExternalRef", externalRefType: "documentation", locator: [`${modelUrl}/blob/${m.commit ?? "main"}/README.md`] }] } : {}),
    comment: modelComment(facts),
  });

  const files = facts.files.map((f, i) =>
    g.add("software_File", `file/${i}-${slug(f.path)}`, {
      name: f.path,
      verifiedUsing: [{ type: "Hash", algorithm: "sha256", hashValue: f.sha256 }],
      comment: `format: ${f.format}; scan verdict: ${f.verdict}; size: ${f.size} bytes`,
    }),
  );
  const datasets = facts.datasets.map((d) => ({ d, id: datasetPackage(g, d, facts.created) }));
  const bases = facts.baseModels.map((id, i) => {
    const url = hubModelUrl(id);
    const p = huggingfacePurl(id);
    return g.add("software_Package", `base-model/${i}-${slug(id)}`, {
      name: id,
      software_primaryPurpose: "model",
      ...(url !== undefined ? { software_downloadLocation: url } : {}),
      ...(p !== undefined ? { software_packageUrl: p } : {}),
    });
  });
  const seen = new Set<string>();
  const packages = facts.packages
    .filter((p) => !seen.has(p.purl) && seen.add(p.purl))
    .map((p, i) =>
      g.add("software_Package", `package/${i}-${slug(p.normalizedName)}`, {
        name: p.name,
        ...(p.version !== undefined ? { software_packageVersion: p.version } : {}),
        software_packageUrl: p.purl,
        software_primaryPurpose: "library",
        comment: `declared in ${p.sources.map((s) => (s.line !== undefined ? `${s.path}:${s.line}` : s.path)).join(", ")}`,
      }),
    );

  g.relate(model, "contains", files);
  g.relate(model, "trainedOn", datasets.filter((x) => x.d.use === "training").map((x) => x.id));
  g.relate(model, "testedOn", datasets.filter((x) => x.d.use === "evaluation").map((x) => x.id));
  g.relate(model, "descendantOf", bases);
  g.relate(model, "dependsOn", packages);
  if (m.licence !== undefined) g.relate(model, "hasDeclaredLicense", [licence(g, m.licence)]);

  const members = g.ids();
  const sbom = g.add("software_Sbom", "sbom", { rootElement: [model], element: members, software_sbomType: ["analyzed"] });
  g.add("SpdxDocument", "document", {
    rootElement: [sbom],
    element: [sbom, ...members],
    profileConformance: ["core", "software", "ai", "dataset", "simpleLicensing"],
  });
  return {
    "@context": SPDX_CONTEXT,
    "@graph": [
      { type: "CreationInfo", "@id": CI, specVersion: "3.0.1", created: facts.created, createdBy: [agent], createdUsing: [tool] },
      ...g.elements,
    ],
  };
}

function datasetPackage(g: Graph, d: DatasetFacts, created: string): string {
  const url = hubDatasetUrl(d.id);
  const owner = isHubId(d.id) ? g.organization(d.id.split("/")[0]) : NO_ASSERTION_ELEMENT;
  return g.add("dataset_DatasetPackage", `dataset/${slug(d.id)}`, {
    name: d.id,
    ...(d.revision !== undefined ? { software_packageVersion: d.revision } : {}),
    software_downloadLocation: url === undefined ? "NOASSERTION" : d.revision !== undefined ? `${url}/tree/${d.revision}` : url,
    releaseTime: created,
    builtTime: created,
    suppliedBy: owner,
    originatedBy: [owner],
    software_primaryPurpose: "data",
    dataset_datasetType: ["noAssertion"],
    comment: `${d.use === "training" ? "training" : "evaluation"} dataset named by the model card; ${UNKNOWN_TIME_NOTE}`,
  });
}

/** An SPDX expression for SPDX licences; `LicenseRef-<id>` (with its link in customIdToUri) otherwise. */
function licence(g: Graph, l: LicenceFacts): string {
  const ref = `LicenseRef-${slug(l.name ?? l.id)}`;
  const expression = l.spdx ?? ref;
  return g.add("simplelicensing_LicenseExpression", `licence/${slug(expression)}`, {
    simplelicensing_licenseExpression: expression,
    ...(l.spdx === undefined && l.link !== undefined && /^https?:\/\//.test(l.link)
      ? { simplelicensing_customIdToUri: [{ type: "DictionaryEntry", key: ref, value: l.link }] }
      : {}),
    ...(l.spdx === undefined ? { comment: `model card license: ${l.id}${l.name !== undefined ? ` (${l.name})` : ""}` } : {}),
  });
}

function modelComment(facts: BomFacts): string {
  const m = facts.model;
  const parts = ["releaseTime is this document's creation time: the repository does not state it"];
  if (m.parameters !== undefined) parts.push(`parameters: ${m.parameters}`);
  if (m.dtypes.length > 0) parts.push(`dtypes: ${m.dtypes.join(", ")}`);
  if (m.library !== undefined) parts.push(`library: ${m.library}`);
  if (m.considerations.ethical.length > 0) parts.push(`ethical considerations: ${m.considerations.ethical.join(" ")}`);
  if (m.co2Grams !== undefined) parts.push(`CO2-eq emissions: ${m.co2Grams} g`);
  return parts.join("; ");
}

/** The elements under construction, each with an id under the document's namespace. */
class Graph {
  readonly elements: Json[] = [];
  private readonly orgs = new Map<string, string>();
  private relations = 0;

  constructor(private readonly ns: string) {}

  add(type: string, local: string, props: Json): string {
    const spdxId = `${this.ns}/${local}`;
    const defined = Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
    this.elements.push({ type, spdxId, creationInfo: CI, ...defined });
    return spdxId;
  }

  organization(name: string): string {
    const known = this.orgs.get(name);
    if (known !== undefined) return known;
    const id = this.add("Organization", `organization/${slug(name)}`, { name });
    this.orgs.set(name, id);
    return id;
  }

  relate(from: string, relationshipType: string, to: string[]): void {
    if (to.length === 0) return;
    this.add("Relationship", `relationship/${++this.relations}`, { from, to, relationshipType });
  }

  /** Ids of every element added so far (the creation info is a blank node, not an element). */
  ids(): string[] {
    return this.elements.map((e) => e.spdxId as string);
  }
}
