/**
 * Where the SPDX 3.0.1 JSON schema comes from: it is not on the npm registry, so `vouch bom validate`
 * takes it from `--schema`, else from the user's cache (`$XDG_CACHE_HOME/vouch/schemas/`, else
 * `~/.cache/vouch/schemas/`), where `--fetch-schema` stores it once from its published URL.
 */
import { existsSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { VouchError } from "../core/errors.js";

export const SPDX_SCHEMA_URL = "https://spdx.org/schema/3.0.1/spdx-json-schema.json";
export const SPDX_SCHEMA_FILE = "spdx-json-schema-3.0.1.json";

/** The cached schema's path (whether or not it exists). */
export function spdxSchemaCachePath(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(env.HOME || homedir(), ".cache");
  return join(cache, "vouch", "schemas", SPDX_SCHEMA_FILE);
}

/** The schema to use: the one given, else the cached copy when there is one, else undefined. */
export function findSpdxSchema(given: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (given !== undefined) return given;
  const cached = spdxSchemaCachePath(env);
  return existsSync(cached) ? cached : undefined;
}

/** Downloads the schema from its published URL into the cache (written whole, then renamed); returns its path. */
export async function fetchSpdxSchema(env: NodeJS.ProcessEnv = process.env, fetchFn: typeof fetch = fetch, url = SPDX_SCHEMA_URL): Promise<string> {
  const path = spdxSchemaCachePath(env);
  let text: string;
  try {
    const res = await fetchFn(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    text = await res.text();
    const parsed = JSON.parse(text) as { $schema?: unknown };
    if (typeof parsed.$schema !== "string") throw new Error("not a JSON schema");
  } catch (e) {
    throw new VouchError("E_BOM_SCHEMA", `cannot fetch the SPDX schema from ${url}: ${e instanceof Error ? e.message : String(e)}`, {
      hint: "Download it by other means and give it with --schema",
    });
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.part`, text);
  await rename(`${path}.part`, path);
  return path;
}
