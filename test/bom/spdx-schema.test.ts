/** The SPDX schema's cache: where it lives, --schema first, fetching once (with a stand-in fetch). */
import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fetchSpdxSchema, findSpdxSchema, spdxSchemaCachePath, SPDX_SCHEMA_URL } from "../../src/bom/index.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const temp = (): string => {
  const d = mkdtempSync(join(tmpdir(), "vouch-spdx-schema-"));
  dirs.push(d);
  return d;
};

test("the cache path follows XDG_CACHE_HOME, then HOME; --schema wins; no copy means undefined", () => {
  assert.equal(spdxSchemaCachePath({ XDG_CACHE_HOME: "/c" }), "/c/vouch/schemas/spdx-json-schema-3.0.1.json");
  assert.equal(spdxSchemaCachePath({ HOME: "/h" }), "/h/.cache/vouch/schemas/spdx-json-schema-3.0.1.json");
  assert.equal(findSpdxSchema("given.json", { XDG_CACHE_HOME: temp() }), "given.json");
  assert.equal(findSpdxSchema(undefined, { XDG_CACHE_HOME: temp() }), undefined);
});

test("fetchSpdxSchema stores the published schema once; a bad answer is E_BOM_SCHEMA and stores nothing", async () => {
  const env = { XDG_CACHE_HOME: temp() };
  const asked: string[] = [];
  const good = (async (url: string) => {
    asked.push(url);
    return new Response('{"$schema":"https://json-schema.org/draft/2020-12/schema"}');
  }) as typeof fetch;
  const path = await fetchSpdxSchema(env, good);
  assert.deepEqual(asked, [SPDX_SCHEMA_URL]);
  assert.equal(findSpdxSchema(undefined, env), path);
  assert.match(readFileSync(path, "utf8"), /2020-12/);

  const env2 = { XDG_CACHE_HOME: temp() };
  const bad = (async () => new Response("<html>", { status: 503 })) as typeof fetch;
  await assert.rejects(fetchSpdxSchema(env2, bad), { code: "E_BOM_SCHEMA" });
  assert.equal(existsSync(spdxSchemaCachePath(env2)), false);
});
