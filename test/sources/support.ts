/**
 * Shared set-up for the sources and provenance tests: the Hub stand-in, a fresh cache folder per
 * test, and Hub options pointing at both.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HubSettings } from "../../src/sources/hf-env.js";
import type { HubOptions } from "../../src/sources/snapshot.js";
import { startHub, type HubStandIn } from "../fixtures/hf-hub/server.js";

export { GOOD_TOKEN, NO_ACCESS_TOKEN } from "../fixtures/hf-hub/server.js";
export { sha } from "../fixtures/hf-hub/repos.js";

const made: string[] = [];

export function tempDir(prefix = "vouch-src-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A started stand-in; close it in `after`. */
export async function hub(): Promise<HubStandIn> {
  return startHub();
}

export function settings(h: HubStandIn, cacheDir: string, extra: Partial<HubSettings> = {}): HubSettings {
  return { endpoint: h.endpoint, cacheDir, offline: false, ...extra };
}

/** Hub options with quick retries, so the retry tests do not wait. */
export function options(h: HubStandIn, cacheDir: string, extra: Partial<HubSettings> = {}): HubOptions {
  return { settings: settings(h, cacheDir, extra), retry: { retries: 3, backoffMs: 1 } };
}
