/**
 * `vouch db update`: downloads the per-ecosystem `all.zip` files OSV publishes
 * (`<base>/<ecosystem>/all.zip`), checks each one, and only then writes a new generation holding
 * all of them at once. Checks, each a reason to keep the current database untouched:
 * - the HTTP answer is 200 and the body fits the size cap;
 * - the body is a zip with a central directory (a truncated download has none);
 * - every member decodes as JSON (records of the wrong shape are reported, like on import);
 * - the number of advisories did not collapse: fewer than half of what the same source held before
 *   means a broken mirror or a partial publish, not a safer world (`force` accepts it).
 */
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Clock } from "../../core/clock.js";
import { VouchError } from "../../core/errors.js";
import { collectAdvisories, sourceInfo, type ImportProblem } from "./collect.js";
import { readOsvInputs } from "./inputs.js";
import { readAllSources, writeGeneration, type Manifest, type SourceData, type SourceInfo } from "./store.js";

/** Where OSV publishes its exports. */
export const OSV_BASE_URL = "https://osv-vulnerabilities.storage.googleapis.com";
export const DEFAULT_UPDATE_ECOSYSTEMS: readonly string[] = ["PyPI", "npm"];
/** Fewer advisories than this fraction of the previous count fails the update. */
export const COLLAPSE_RATIO = 0.5;

export interface UpdateOptions {
  dir: string;
  clock: Clock;
  /** Base URL; `<base>/<ecosystem>/all.zip` is fetched. */
  baseUrl?: string;
  ecosystems?: readonly string[];
  /** Accept a collapsed advisory count. */
  force?: boolean;
  /** Per-download limits. */
  timeoutMs?: number;
  maxBytes?: number;
}

export interface UpdateResult {
  manifest: Manifest;
  updated: SourceInfo[];
  problems: ImportProblem[];
}

export async function updateDatabase(options: UpdateOptions): Promise<UpdateResult> {
  const base = (options.baseUrl ?? OSV_BASE_URL).replace(/\/+$/, "");
  const ecosystems = options.ecosystems ?? DEFAULT_UPDATE_ECOSYSTEMS;
  await mkdir(options.dir, { recursive: true });
  const previous = await readAllSources(options.dir);
  const fresh: SourceData[] = [];
  const problems: ImportProblem[] = [];
  for (const ecosystem of ecosystems) {
    const url = `${base}/${encodeURIComponent(ecosystem)}/all.zip`;
    const temp = join(options.dir, `download-${randomBytes(6).toString("hex")}.zip.tmp`);
    try {
      const fetchedAt = options.clock.now().toISOString();
      await download(url, temp, options.timeoutMs ?? 10 * 60_000, options.maxBytes ?? 4 * 2 ** 30);
      const collected = await collectAdvisories(readOsvInputs(temp));
      if (collected.undecodable > 0) {
        const first = collected.problems[0]!;
        throw updateError(url, `${collected.undecodable} member(s) are not valid OSV JSON, first ${first.origin.split("!").pop()}: ${first.message}`);
      }
      if (collected.advisories.length === 0) throw updateError(url, "the archive holds no advisories");
      const name = `osv:${ecosystem}`;
      const before = previous.find((s) => s.info.name === name)?.info.advisories ?? 0;
      if (!options.force && collected.advisories.length < before * COLLAPSE_RATIO) {
        throw updateError(url, `only ${collected.advisories.length} advisories where the database holds ${before}`, "A partial or broken export; retry later, or pass --force if the drop is real");
      }
      const info = sourceInfo({ name, kind: "update", location: url, importedAt: fetchedAt, asOf: fetchedAt }, collected);
      fresh.push({ info, advisories: collected.advisories });
      problems.push(...collected.problems.map((p) => ({ ...p, origin: `${url}!${p.origin.split("!").pop()}` })));
    } finally {
      await rm(temp, { force: true });
    }
  }
  const replaced = new Set(fresh.map((s) => s.info.name));
  const kept = previous.filter((s) => !replaced.has(s.info.name));
  const manifest = await writeGeneration(options.dir, [...kept, ...fresh], options.clock.now().toISOString());
  return { manifest, updated: fresh.map((s) => s.info), problems };
}

async function download(url: string, file: string, timeoutMs: number, maxBytes: number): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
  } catch (e) {
    throw updateError(url, `cannot download (${e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)})`, "Check the network or --base-url");
  }
  if (response.status !== 200 || response.body === null) {
    await response.body?.cancel();
    throw updateError(url, `the server answered ${response.status} ${response.statusText}`, "Check --base-url; the database was not changed");
  }
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) throw updateError(url, `the download is ${declared} bytes, over the ${maxBytes}-byte cap`);
  let received = 0;
  const body = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>);
  body.on("data", (chunk: Buffer) => {
    received += chunk.length;
    if (received > maxBytes) body.destroy(updateError(url, `the download passed the ${maxBytes}-byte cap`));
  });
  try {
    await pipeline(body, createWriteStream(file));
  } catch (e) {
    if (e instanceof VouchError) throw e;
    throw updateError(url, `the download broke off (${e instanceof Error ? e.message : String(e)})`, "Retry; the database was not changed");
  }
  if (!Number.isNaN(declared) && received !== declared) throw updateError(url, `received ${received} of ${declared} bytes`, "Retry; the database was not changed");
}

function updateError(url: string, message: string, hint = "The database was not changed"): VouchError {
  return new VouchError("E_DB_UPDATE", `${url}: ${message}`, { hint });
}
