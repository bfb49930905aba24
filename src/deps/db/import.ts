/**
 * `vouch db import PATH...`: each path (an OSV file, a directory tree of them, or an ecosystem
 * all.zip) becomes one source of the database, replacing an earlier import of the same path; the
 * other sources are kept. Malformed records are reported and skipped, withdrawn ones skipped.
 */
import { resolve } from "node:path";
import type { Clock } from "../../core/clock.js";
import { collectAdvisories, sourceInfo, type ImportProblem } from "./collect.js";
import { readOsvInputs } from "./inputs.js";
import { readAllSources, writeGeneration, type Manifest, type SourceData, type SourceInfo } from "./store.js";

export interface ImportOptions {
  /** Database directory (see `resolveDbDir`). */
  dir: string;
  clock: Clock;
}

export interface ImportResult {
  manifest: Manifest;
  /** The sources this import wrote, in argument order. */
  imported: SourceInfo[];
  /** Withdrawn record ids skipped, per source name. */
  withdrawn: Record<string, string[]>;
  /** Files and records that could not be imported. */
  problems: ImportProblem[];
}

export async function importOsv(paths: readonly string[], options: ImportOptions): Promise<ImportResult> {
  const importedAt = options.clock.now().toISOString();
  const fresh: SourceData[] = [];
  const problems: ImportProblem[] = [];
  const withdrawn: Record<string, string[]> = {};
  for (const path of paths) {
    const location = resolve(path);
    const collected = await collectAdvisories(readOsvInputs(location));
    const info = sourceInfo({ name: `import:${location}`, kind: "import", location, importedAt }, collected);
    fresh.push({ info, advisories: collected.advisories });
    problems.push(...collected.problems);
    withdrawn[info.name] = collected.withdrawn;
  }
  const replaced = new Set(fresh.map((s) => s.info.name));
  const kept = (await readAllSources(options.dir)).filter((s) => !replaced.has(s.info.name));
  const manifest = await writeGeneration(options.dir, [...kept, ...fresh], importedAt);
  return { manifest, imported: fresh.map((s) => s.info), withdrawn, problems };
}
