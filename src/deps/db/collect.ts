/**
 * Turns OSV documents into a source's advisories: decodes, validates, drops withdrawn records and
 * collects malformed ones as problems (never fatal), and works out how current the data is.
 */
import type { Advisory } from "../types.js";
import { parseOsvRecord } from "../osv/record.js";
import type { OsvDocument } from "./inputs.js";
import type { SourceInfo } from "./store.js";

/** A record or file that could not be imported. */
export interface ImportProblem {
  /** File, or `archive.zip!member`. */
  origin: string;
  id?: string;
  message: string;
}

export interface Collected {
  advisories: Advisory[];
  withdrawn: string[];
  problems: ImportProblem[];
  /** Problems that are decode failures (not JSON/YAML at all), as opposed to records of the wrong shape. */
  undecodable: number;
}

/** Reads every document; a record id seen twice keeps the later-modified copy. */
export async function collectAdvisories(documents: AsyncIterable<OsvDocument>): Promise<Collected> {
  const byId = new Map<string, Advisory>();
  const withdrawn: string[] = [];
  const problems: ImportProblem[] = [];
  let undecodable = 0;
  for await (const doc of documents) {
    if ("error" in doc) {
      problems.push({ origin: doc.origin, message: doc.error });
      undecodable += 1;
      continue;
    }
    for (const value of Array.isArray(doc.value) ? doc.value : [doc.value]) {
      const parsed = parseOsvRecord(value);
      if (parsed.kind === "withdrawn") withdrawn.push(parsed.id);
      else if (parsed.kind === "malformed") problems.push({ origin: doc.origin, ...(parsed.id ? { id: parsed.id } : {}), message: parsed.message });
      else {
        const seen = byId.get(parsed.advisory.id);
        if (seen === undefined || (parsed.advisory.modified ?? "") >= (seen.modified ?? "")) byId.set(parsed.advisory.id, parsed.advisory);
      }
    }
  }
  return { advisories: [...byId.values()], withdrawn: withdrawn.sort(), problems, undecodable };
}

/** Source metadata for collected advisories. `asOf` defaults to the newest `modified` date (see SourceInfo). */
export function sourceInfo(
  base: Pick<SourceInfo, "name" | "kind" | "location" | "importedAt"> & { asOf?: string },
  collected: Collected,
): SourceInfo {
  const ecosystems: Record<string, number> = {};
  let newest = 0;
  for (const a of collected.advisories) {
    for (const e of new Set(a.affected.map((x) => x.ecosystem))) ecosystems[e] = (ecosystems[e] ?? 0) + 1;
    const t = a.modified !== undefined ? Date.parse(a.modified) : Number.NaN;
    if (!Number.isNaN(t) && t > newest) newest = t;
  }
  return {
    ...base,
    asOf: base.asOf ?? (newest > 0 ? new Date(newest).toISOString() : base.importedAt),
    advisories: collected.advisories.length,
    withdrawn: collected.withdrawn.length,
    malformed: collected.problems.length,
    ecosystems: Object.fromEntries(Object.entries(ecosystems).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}
