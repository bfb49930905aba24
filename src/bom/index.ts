/**
 * ML bills of materials: `bom()` collects the facts about a model repository once and renders them as
 * CycloneDX (1.6 / 1.7 ML-BOM) or SPDX 3.0.1 (AI and Dataset profiles); `validateBom()` checks any
 * CycloneDX 1.4-1.7 or SPDX 3.0.1 document.
 */
import { canonicalJson } from "../report/json.js";
import { collectBomFacts, type BomOptions } from "./collect.js";
import { toCycloneDx, type CycloneDxVersion } from "./cyclonedx.js";
import { toSpdx3 } from "./spdx3.js";

export const BOM_FORMATS = ["cyclonedx", "spdx3"] as const;
export type BomFormat = (typeof BOM_FORMATS)[number];

export interface BomRenderOptions extends BomOptions {
  /** Default `cyclonedx`. */
  format?: BomFormat;
  /** CycloneDX version, default 1.6 (ignored for SPDX). */
  specVersion?: CycloneDxVersion;
}

/** The BOM of the model at `target` (a folder, a cache snapshot or hf://org/name[@rev]) as a JSON object. */
export async function bom(target: string, options: BomRenderOptions = {}): Promise<Record<string, unknown>> {
  const facts = await collectBomFacts(target, options);
  return options.format === "spdx3" ? toSpdx3(facts) : toCycloneDx(facts, options.specVersion ?? "1.6");
}

/** The document as Vouch writes it: canonical JSON (sorted keys, two-space indent, final newline). */
export function renderBom(doc: Record<string, unknown>): string {
  return canonicalJson(doc);
}

export { collectBomFacts, type BomOptions } from "./collect.js";
export { toCycloneDx, CYCLONEDX_VERSIONS, type CycloneDxVersion } from "./cyclonedx.js";
export { toSpdx3 } from "./spdx3.js";
export { validateBom, cycloneDxSemantics, spdx3Semantics, PROFILE_FIELDS, CYCLONEDX_SCHEMA_VERSIONS, type BomValidation, type BomProblem, type ValidateOptions } from "./validate.js";
export { fetchSpdxSchema, findSpdxSchema, spdxSchemaCachePath, SPDX_SCHEMA_URL } from "./spdx-schema.js";
export type * from "./types.js";
