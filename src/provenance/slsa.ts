/**
 * `vouch provenance --slsa`: the report as an in-toto Statement v1 (https://in-toto.io/Statement/v1)
 * with a SLSA Provenance v1 predicate (https://slsa.dev/provenance/v1).
 *
 * - The subject is the model by its identity digest, `sha256:<root>` of the OMS manifest, the same
 *   value `vouch sign` signs and `modelDigest()` computes, named by its repo id (or folder name).
 * - `resolvedDependencies` are what the model was built from, by revision: its base models (direct
 *   ones, from the card) and its training datasets, each with its git commit when it is known.
 * - This is *observed* provenance: Vouch did not build the model. The build type says so, and the
 *   builder is the publisher the Hub names (or unknown), never Vouch. Whoever signs the statement
 *   vouches for the observation.
 */
import { TOOL_NAME, TOOL_VERSION } from "../version.js";
import type { ProvenanceReport } from "./types.js";

export const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
export const SLSA_PREDICATE_TYPE = "https://slsa.dev/provenance/v1";
/** Observed provenance of a model repository; its parameters are documented in docs/provenance.md. */
export const BUILD_TYPE = "urn:vouch:provenance:observed-model:v1";
/** Used when nothing names the model's publisher. */
export const UNKNOWN_BUILDER = "urn:vouch:builder:unknown";

/** Computes the model identity (`sha256:<hex>`) of a local model path. */
export type ModelDigestFn = (path: string) => Promise<string>;

interface ResourceDescriptor {
  name?: string;
  uri?: string;
  digest?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface SlsaStatement {
  _type: string;
  subject: { name: string; digest: Record<string, string> }[];
  predicateType: string;
  predicate: {
    buildDefinition: {
      buildType: string;
      externalParameters: Record<string, string>;
      internalParameters: Record<string, string>;
      resolvedDependencies: ResourceDescriptor[];
    };
    runDetails: {
      builder: { id: string };
      metadata: { finishedOn: string };
    };
  };
}

/** Builds the statement for a report; `identity` is the model's `sha256:<hex>` digest. */
export function slsaStatement(report: ProvenanceReport, identity: string, endpoint: string): SlsaStatement {
  const m = /^sha256:([0-9a-f]{64})$/.exec(identity);
  if (!m) throw new TypeError(`the model digest must be sha256:<64 hex>, got ${identity}`);
  const repo = report.repository;
  const name = repo?.id ?? report.source.path.split(/[\\/]/).pop() ?? report.target;
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name, digest: { sha256: m[1] } }],
    predicateType: SLSA_PREDICATE_TYPE,
    predicate: {
      buildDefinition: {
        buildType: BUILD_TYPE,
        externalParameters: {
          target: report.target,
          ...(repo ? { repository: repo.id, commit: repo.commit } : {}),
          ...(repo?.requestedRevision !== undefined ? { revision: repo.requestedRevision } : {}),
        },
        internalParameters: { tool: `${TOOL_NAME}/${TOOL_VERSION}` },
        resolvedDependencies: dependencies(report, endpoint),
      },
      runDetails: {
        builder: { id: repo ? `${endpoint}/${repo.author}` : UNKNOWN_BUILDER },
        metadata: { finishedOn: report.generatedAt },
      },
    },
  };
}

/** Direct base models, then datasets, each by URI and, when known, by git commit. */
function dependencies(report: ProvenanceReport, endpoint: string): ResourceDescriptor[] {
  const bases = report.lineage.filter((e) => e.depth === 1);
  return [
    ...bases.map((e) => descriptor(e.id, `${endpoint}/${e.id}`, e.commit, { role: "base-model", ...(e.relation ? { relation: e.relation } : {}) })),
    ...report.datasets.map((d) => descriptor(d.id, `${endpoint}/datasets/${d.id}`, d.commit, { role: "dataset" })),
  ];
}

function descriptor(name: string, uri: string, commit: string | undefined, annotations: Record<string, string>): ResourceDescriptor {
  // An unresolved revision is recorded as such rather than left out: the dependency is still real.
  return { name, uri, ...(commit ? { digest: { gitCommit: commit } } : {}), annotations: commit ? annotations : { ...annotations, revision: "unresolved" } };
}
