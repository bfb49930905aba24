/** `vouch bom` and `vouch bom validate`, in-process: formats, --output, SOURCE_DATE_EPOCH, hf:// targets, exit codes. */
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { HubStandIn } from "../fixtures/hf-hub/server.js";
import { SHARED_DIR } from "../support/shared.js";
import { hub, removeTempDirs, tempDir } from "../sources/support.js";
import { cleanup, runCli } from "./support.js";
import { spdxSchemaCachePath, validateBom } from "../../src/bom/index.js";
import { CachedRepo } from "../../src/sources/hf-cache.js";

let h: HubStandIn;
before(async () => {
  h = await hub();
});
after(() => h.close());
afterEach(() => {
  removeTempDirs();
  cleanup();
});

const EXAMPLE = join(import.meta.dirname, "..", "..", "examples", "tiny-model");
type Doc = Record<string, unknown>;

test("vouch bom: CycloneDX 1.6 by default, 1.7 and SPDX 3 on request; --now pins the time", async () => {
  const run = await runCli(["bom", EXAMPLE, "--now", "2026-01-01T00:00:00Z"]);
  assert.equal(run.code, 0, run.stderr);
  const cdx = JSON.parse(run.stdout) as Doc;
  assert.equal(cdx.specVersion, "1.6");
  assert.equal((cdx.metadata as Doc).timestamp, "2026-01-01T00:00:00Z");
  const v17 = await runCli(["bom", EXAMPLE, "--spec-version", "1.7", "--now", "2026-01-01T00:00:00Z"]);
  assert.equal((JSON.parse(v17.stdout) as Doc).specVersion, "1.7");
  const spdx = await runCli(["bom", EXAMPLE, "--format", "spdx3", "--now", "2026-01-01T00:00:00Z"]);
  assert.equal((JSON.parse(spdx.stdout) as Doc)["@context"], "https://spdx.org/rdf/3.0.1/spdx-context.jsonld");
});

test("SOURCE_DATE_EPOCH: two runs write the same bytes; --output writes a file that validates", async () => {
  const dir = tempDir();
  const env = { SOURCE_DATE_EPOCH: "1767225600" };
  for (const name of ["a.json", "b.json"]) {
    const run = await runCli(["bom", EXAMPLE, "--output", join(dir, name)], { env });
    assert.equal(run.code, 0, run.stderr);
  }
  const a = readFileSync(join(dir, "a.json"), "utf8");
  assert.equal(a, readFileSync(join(dir, "b.json"), "utf8"));
  const v = await runCli(["bom", "validate", join(dir, "a.json")]);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /CycloneDX 1\.6, schema and semantic checks: valid\n$/);
});

test("vouch bom validate: SPDX 3 with --schema or semantic checks only; problems exit 1; --json", async (t) => {
  const dir = tempDir();
  const file = join(dir, "spdx.json");
  assert.equal((await runCli(["bom", EXAMPLE, "--format", "spdx3", "-o", file, "--now", "2026-01-01T00:00:00Z"])).code, 0);
  const semantic = await runCli(["bom", "validate", file], { env: { XDG_CACHE_HOME: tempDir() } });
  assert.equal(semantic.code, 0);
  assert.match(semantic.stdout, /SPDX 3\.0\.1, semantic checks only \(no SPDX schema: give --schema or --fetch-schema\): valid/);
  const doc = JSON.parse(readFileSync(file, "utf8")) as { "@graph": Doc[] };
  delete doc["@graph"].find((e) => e.type === "ai_AIPackage")!.suppliedBy;
  const broken = join(dir, "broken.json");
  writeFileSync(broken, JSON.stringify(doc));
  const bad = await runCli(["bom", "validate", broken, "--json"], { env: { XDG_CACHE_HOME: tempDir() } });
  assert.equal(bad.code, 1);
  const result = JSON.parse(bad.stdout) as { valid: boolean; problems: { message: string }[] };
  assert.equal(result.valid, false);
  assert.deepEqual(result.problems.map((p) => p.message), ["ai_AIPackage lacks suppliedBy, which its profile requires"]);
  if (SHARED_DIR === undefined) return t.skip("needs ../shared for the SPDX schema");
  const full = await runCli(["bom", "validate", file, "--schema", join(SHARED_DIR, "data", "schemas", "spdx3", "spdx-json-schema-3.0.1.json")]);
  assert.equal(full.code, 0, full.stdout);
  assert.match(full.stdout, /SPDX 3\.0\.1, schema and semantic checks: valid/);
  // A copy in the cache is used without --schema.
  const cache = tempDir();
  mkdirSync(dirname(spdxSchemaCachePath({ XDG_CACHE_HOME: cache })), { recursive: true });
  copyFileSync(join(SHARED_DIR, "data", "schemas", "spdx3", "spdx-json-schema-3.0.1.json"), spdxSchemaCachePath({ XDG_CACHE_HOME: cache }));
  const cached = await runCli(["bom", "validate", file], { env: { XDG_CACHE_HOME: cache } });
  assert.match(cached.stdout, /schema and semantic checks: valid/);
});

test("vouch bom validate: not JSON is an error (exit 2)", async () => {
  const file = join(tempDir(), "x.xml");
  writeFileSync(file, "<bom/>");
  const run = await runCli(["bom", "validate", file]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /not JSON/);
});

test("vouch bom hf://: the Hub repository, its commit and purl", async () => {
  const cache = tempDir();
  const run = await runCli(["bom", "hf://acme-ai/tiny-chat@v1.0", "--now", "2026-01-01T00:00:00Z"], { env: { HF_ENDPOINT: h.endpoint, HF_HUB_CACHE: cache } });
  assert.equal(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout) as Doc;
  assert.deepEqual((await validateBom(doc)).problems, []);
  const model = (doc.metadata as Doc).component as Doc;
  assert.equal(model.name, "acme-ai/tiny-chat");
  assert.match(String(model.version), /^[0-9a-f]{40}$/);
  assert.equal(model.purl, `pkg:huggingface/acme-ai/tiny-chat@${String(model.version)}`);
  const refs = (model.externalReferences as Doc[]).map((r) => r.type);
  assert.ok(refs.includes("vcs") && refs.includes("distribution"), refs.join(","));
  // The cache snapshot given as a path is known by its repo and commit, and hashes through its links.
  const snapshot = new CachedRepo(cache, "acme-ai/tiny-chat").snapshotDir(String(model.version));
  const local = await runCli(["bom", snapshot, "--now", "2026-01-01T00:00:00Z"]);
  assert.equal(local.code, 0, local.stderr);
  const localModel = ((JSON.parse(local.stdout) as Doc).metadata as Doc).component as Doc;
  assert.equal(localModel.purl, model.purl);
  assert.deepEqual(localModel.properties, model.properties);
  assert.ok(((localModel.properties as { name: string; value: string }[]).find((p) => p.name === "vouch:model-digest")!.value).startsWith("sha256:"));
});
