/**
 * CycloneDX 1.6 / 1.7 JSON ML-BOM. The model is `metadata.component` (a `machine-learning-model` with
 * a `modelCard`); its files, datasets, base models and Python packages are components; `dependencies`
 * links the model to the packages and datasets it needs. Built as plain JSON (the library's object model
 * has no modelCard) and checked against the schemas the CycloneDX library bundles (see validate.ts).
 */
import { canonicalJson } from "../report/json.js";
import { contentUuid, hubDatasetUrl, hubModelUrl, huggingfacePurl, isHubId } from "./ids.js";
import type { BomFacts, DatasetFacts, FileFacts, LicenceFacts } from "./types.js";
import type { Package } from "../deps/types.js";

export const CYCLONEDX_VERSIONS = ["1.6", "1.7"] as const;
export type CycloneDxVersion = (typeof CYCLONEDX_VERSIONS)[number];

type Json = Record<string, unknown>;

export const MODEL_REF = "model";
export const fileRef = (f: FileFacts): string => `file:${f.path}`;
export const datasetRef = (d: DatasetFacts): string => `dataset:${d.id}`;
export const packageRef = (p: Package): string => p.purl;
export const baseModelRef = (id: string): string => `base-model:${id}`;

export function toCycloneDx(facts: BomFacts, specVersion: CycloneDxVersion = "1.6"): Json {
  const body: Json = {
    bomFormat: "CycloneDX",
    specVersion,
    version: 1,
    metadata: {
      timestamp: facts.created,
      tools: { components: [{ type: "application", name: facts.tool.name, version: facts.tool.version }] },
      component: modelComponent(facts),
    },
    components: [...facts.files.map(fileComponent), ...facts.datasets.map(datasetComponent), ...uniquePackages(facts.packages).map(packageComponent)],
    dependencies: dependencies(facts),
  };
  // The serial number is derived from everything but the time, so the same model gives the same BOM identity.
  const { timestamp: _t, ...timeless } = body.metadata as Json;
  const serialNumber = `urn:uuid:${contentUuid(canonicalJson({ ...body, metadata: timeless }))}`;
  return { bomFormat: "CycloneDX", specVersion, serialNumber, ...body };
}

function modelComponent(facts: BomFacts): Json {
  const m = facts.model;
  const purl = m.repoId !== undefined ? huggingfacePurl(m.repoId, m.commit) : undefined;
  const properties: { name: string; value: string }[] = [{ name: "vouch:model-digest", value: m.digest }];
  if (m.parameters !== undefined) properties.push({ name: "vouch:parameters", value: String(m.parameters) });
  for (const d of m.dtypes) properties.push({ name: "vouch:dtype", value: d });
  if (m.library !== undefined) properties.push({ name: "huggingface:library_name", value: m.library });
  for (const l of m.languages) properties.push({ name: "huggingface:language", value: l });
  if (facts.baseModelRelation !== undefined) properties.push({ name: "huggingface:base_model_relation", value: facts.baseModelRelation });
  return {
    type: "machine-learning-model",
    "bom-ref": MODEL_REF,
    name: m.name,
    ...(m.commit !== undefined ? { version: m.commit } : {}),
    ...(m.repoId !== undefined && isHubId(m.repoId) ? { supplier: { name: m.repoId.split("/")[0] } } : {}),
    ...(purl !== undefined ? { purl } : {}),
    ...(m.licence !== undefined ? { licenses: licences(m.licence) } : {}),
    ...(m.hasCard || m.repoId !== undefined ? { externalReferences: modelReferences(facts) } : {}),
    ...(facts.baseModels.length > 0 ? { pedigree: { ancestors: facts.baseModels.map(baseModelComponent) } } : {}),
    modelCard: modelCard(facts),
    properties,
  };
}

function modelReferences(facts: BomFacts): Json[] {
  const m = facts.model;
  const refs: Json[] = [];
  const url = m.repoId !== undefined ? hubModelUrl(m.repoId) : undefined;
  if (m.hasCard) {
    refs.push({
      type: "model-card",
      url: url !== undefined ? `${url}/blob/${m.commit ?? "main"}/README.md` : "README.md",
      comment: "The model card (README.md)",
    });
  }
  if (url !== undefined) {
    refs.push({ type: "distribution", url, comment: "The Hugging Face Hub repository" });
    if (m.commit !== undefined) refs.push({ type: "vcs", url: `${url}/tree/${m.commit}`, comment: `Hub revision ${m.revision ?? m.commit} at commit ${m.commit}` });
  }
  return refs;
}

function modelCard(facts: BomFacts): Json {
  const m = facts.model;
  const parameters: Json = {
    ...(m.task !== undefined ? { task: m.task } : {}),
    ...(m.architectureFamily !== undefined ? { architectureFamily: m.architectureFamily } : {}),
    ...(m.architecture !== undefined ? { modelArchitecture: m.architecture } : {}),
    ...(facts.datasets.length > 0 ? { datasets: facts.datasets.map((d) => ({ ref: datasetRef(d) })) } : {}),
    ...ioFormats(m.task),
  };
  const considerations: Json = {
    ...(m.considerations.useCases.length > 0 ? { useCases: m.considerations.useCases } : {}),
    ...(m.considerations.limitations.length > 0 ? { technicalLimitations: m.considerations.limitations } : {}),
    ...(m.considerations.ethical.length > 0 ? { ethicalConsiderations: m.considerations.ethical.map((name) => ({ name })) } : {}),
    ...(m.co2Grams !== undefined ? { environmentalConsiderations: { properties: [{ name: "huggingface:co2_eq_emissions_grams", value: String(m.co2Grams) }] } } : {}),
  };
  return {
    "bom-ref": `${MODEL_REF}:card`,
    ...(Object.keys(parameters).length > 0 ? { modelParameters: parameters } : {}),
    ...(m.metrics.length > 0
      ? {
          quantitativeAnalysis: {
            performanceMetrics: m.metrics.map((x) => ({ type: x.type, value: x.value, ...(x.slice !== undefined ? { slice: x.slice } : {}) })),
          },
        }
      : {}),
    ...(Object.keys(considerations).length > 0 ? { considerations } : {}),
  };
}

/** Inputs and outputs for the common pipeline tags (what the Hub's task pages say they take and give). */
function ioFormats(task: string | undefined): Json {
  const io: Record<string, [string, string]> = {
    "text-generation": ["string", "string"],
    "text2text-generation": ["string", "string"],
    "text-classification": ["string", "label"],
    "token-classification": ["string", "labels"],
    "question-answering": ["string", "string"],
    summarization: ["string", "string"],
    translation: ["string", "string"],
    "fill-mask": ["string", "string"],
    "feature-extraction": ["string", "vector"],
    "sentence-similarity": ["string", "score"],
    "image-classification": ["image", "label"],
    "text-to-image": ["string", "image"],
    "automatic-speech-recognition": ["audio", "string"],
  };
  const pair = task !== undefined ? io[task] : undefined;
  return pair === undefined ? {} : { inputs: [{ format: pair[0] }], outputs: [{ format: pair[1] }] };
}

/** An SPDX id where the licence has one; otherwise a named licence (with `license_link` as its URL). */
function licences(l: LicenceFacts): Json[] {
  if (l.spdx !== undefined) return [{ license: { id: l.spdx } }];
  const name = l.name ?? l.id;
  return [{ license: { name, ...(l.link !== undefined && /^https?:\/\//.test(l.link) ? { url: l.link } : {}) } }];
}

function baseModelComponent(id: string): Json {
  const purl = huggingfacePurl(id);
  const url = hubModelUrl(id);
  return {
    type: "machine-learning-model",
    "bom-ref": baseModelRef(id),
    name: id,
    ...(purl !== undefined ? { purl } : {}),
    ...(url !== undefined ? { externalReferences: [{ type: "distribution", url }] } : {}),
  };
}

function fileComponent(f: FileFacts): Json {
  return {
    type: "file",
    "bom-ref": fileRef(f),
    name: f.path,
    hashes: [{ alg: "SHA-256", content: f.sha256 }],
    properties: [
      { name: "vouch:format", value: f.format },
      { name: "vouch:scan-verdict", value: f.verdict },
      { name: "vouch:size", value: String(f.size) },
    ],
  };
}

function datasetComponent(d: DatasetFacts): Json {
  const url = hubDatasetUrl(d.id);
  return {
    type: "data",
    "bom-ref": datasetRef(d),
    name: d.id,
    ...(d.revision !== undefined ? { version: d.revision } : {}),
    ...(url !== undefined ? { externalReferences: [{ type: "distribution", url: d.revision !== undefined ? `${url}/tree/${d.revision}` : url }] } : {}),
    data: [{ type: "dataset", name: d.id }],
    properties: [{ name: "vouch:dataset-use", value: d.use }],
  };
}

/** One component per purl (the same pin in two files is already one Package; ranges differ by file). */
function uniquePackages(packages: Package[]): Package[] {
  const seen = new Map<string, Package>();
  for (const p of packages) if (!seen.has(p.purl)) seen.set(p.purl, p);
  return [...seen.values()];
}

function packageComponent(p: Package): Json {
  const props: { name: string; value: string }[] = p.sources.map((s) => ({ name: "vouch:declared-in", value: s.line !== undefined ? `${s.path}:${s.line}` : s.path }));
  if (p.unresolved !== undefined) props.push({ name: "vouch:unresolved", value: `${p.unresolved.reason}: ${p.unresolved.detail}` });
  if (p.marker !== undefined) props.push({ name: "vouch:marker", value: p.marker });
  for (const g of p.groups ?? []) props.push({ name: "vouch:group", value: g });
  return {
    type: "library",
    "bom-ref": packageRef(p),
    name: p.name,
    ...(p.version !== undefined ? { version: p.version } : {}),
    purl: p.purl,
    properties: props,
  };
}

function dependencies(facts: BomFacts): Json[] {
  const pkgs = uniquePackages(facts.packages);
  return [
    { ref: MODEL_REF, dependsOn: [...pkgs.map(packageRef), ...facts.datasets.map(datasetRef)] },
    ...facts.datasets.map((d) => ({ ref: datasetRef(d), dependsOn: [] })),
    ...pkgs.map((p) => ({ ref: packageRef(p), dependsOn: [] })),
  ];
}

