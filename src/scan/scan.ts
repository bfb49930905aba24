/**
 * `scan()`: the library entry point behind `vouch scan`. Reads as its steps: list the files of every
 * target, scan each (several at a time), and assemble a deterministic report.
 */
import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { systemClock, type Clock } from "../core/clock.js";
import { VouchError } from "../core/errors.js";
import { RULESET_VERSION } from "../core/rules.js";
import { summarize } from "../core/summary.js";
import type { ArtifactReport, ScanReport } from "../core/types.js";
import { comparePaths } from "../walk/paths.js";
import { walkModel } from "../walk/walker.js";
import { checkSources } from "../sources/checks.js";
import type { HubOptions } from "../sources/snapshot.js";
import { resolveTarget } from "../sources/targets.js";
import { scanFile } from "./artifact.js";
import { defaultSettings, type ScanSettings } from "./settings.js";
import { TOOL_NAME, TOOL_VERSION } from "../version.js";

export const SCHEMA_VERSION = "1.0.0";

export interface ScanOptions {
  settings?: Partial<ScanSettings>;
  clock?: Clock;
  /** Files scanned at once (default 2: one per core; I/O overlaps with parsing and hashing). */
  concurrency?: number;
  onProgress?: (e: { done: number; total: number; path: string }) => void;
  /** For `hf://` targets: Hub endpoint, token, cache and offline mode (default: from the environment). */
  hub?: HubOptions;
}

/** One file to scan: where it is and the name it is reported under. */
export interface ScanItem {
  absPath: string;
  path: string;
}

export async function scan(targets: string[], options: ScanOptions = {}): Promise<ScanReport> {
  const settings = defaultSettings(options.settings);
  const clock = options.clock ?? systemClock;
  const items = await listTargets(targets, options.hub);
  const artifacts = await scanAll(items, settings, options);
  return assembleReport(targets, await checkSources(items, artifacts), clock);
}

/**
 * Expands targets into files. A directory is walked like a model (see walk/), following symlinks;
 * an `hf://` target is first resolved to its local snapshot folder (see sources/targets.ts).
 */
export async function listTargets(targets: string[], hub: HubOptions = {}): Promise<ScanItem[]> {
  if (targets.length === 0) throw new VouchError("E_USAGE", "no target to scan", { hint: "Give one or more files or directories" });
  const out: ScanItem[] = [];
  for (const target of targets) {
    const local = (await resolveTarget(target, hub)).path;
    const st = await stat(local).catch((e: NodeJS.ErrnoException) => {
      throw new VouchError("E_NOT_FOUND", `cannot read ${target}: ${e.code ?? e.message}`, { file: target, hint: "Check the path" });
    });
    const prefix = targets.length > 1 ? toPosix(target).replace(/\/+$/, "") : "";
    if (st.isDirectory()) {
      for (const f of await walkModel(local, { allowSymlinks: true })) {
        out.push({ absPath: f.absPath, path: prefix ? `${prefix}/${f.path}` : f.path });
      }
    } else {
      out.push({ absPath: resolve(local), path: prefix || basename(local) });
    }
  }
  return out.sort((a, b) => comparePaths(a.path, b.path));
}

async function scanAll(items: ScanItem[], settings: ScanSettings, options: ScanOptions): Promise<ArtifactReport[]> {
  const results: ArtifactReport[] = new Array(items.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await scanFile(items[i].absPath, items[i].path, settings, items.length > 1);
      options.onProgress?.({ done: ++done, total: items.length, path: items[i].path });
    }
  };
  const n = Math.max(1, Math.min(options.concurrency ?? 2, items.length));
  await Promise.all(Array.from({ length: n }, worker));
  return results;
}

export function assembleReport(targets: string[], artifacts: ArtifactReport[], clock: Clock): ScanReport {
  return {
    schemaVersion: SCHEMA_VERSION,
    rulesetVersion: RULESET_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    generatedAt: clock.now().toISOString(),
    targets: [...targets],
    artifacts,
    summary: summarize(artifacts),
  };
}

function toPosix(p: string): string {
  return p.split("\\").join("/");
}
