/**
 * Every SPDX 3 document bom() writes in the tests, validated against the official SPDX 3.0.1 JSON schema
 * from ../shared (skipped visibly where ../shared is absent), plus the semantic checks.
 */
import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bom, validateBom } from "../../src/bom/index.js";
import { SHARED_DIR } from "../support/shared.js";
import { clock, EXAMPLE, FIXTURES, folderWith, removeTemps, ROOT } from "./support.js";

afterEach(removeTemps);

const SCHEMA = SHARED_DIR !== undefined ? join(SHARED_DIR, "data", "schemas", "spdx3", "spdx-json-schema-3.0.1.json") : undefined;
const skip = SCHEMA === undefined || !existsSync(SCHEMA) ? "needs ../shared/data/schemas/spdx3 (the official SPDX 3.0.1 JSON schema)" : undefined;

test("SPDX 3.0.1 schema: the sample model and every fixture", async (t) => {
  if (skip !== undefined) return t.skip(skip);
  const dirs = [
    EXAMPLE,
    ...["no-front-matter", "license-other", "multi-base", "dataset-revisions"].map((d) => join(FIXTURES, d)),
    folderWith({ "model.gguf": join(ROOT, "test", "fixtures", "gguf", "valid_v3.gguf") }),
    folderWith({
      "poetry.lock": join(ROOT, "test", "fixtures", "deps", "projects", "poetry", "poetry.lock"),
      "environment.yml": join(ROOT, "test", "fixtures", "deps", "projects", "conda", "environment.yml"),
    }),
  ];
  for (const dir of dirs) {
    const v = await validateBom(await bom(dir, { clock, format: "spdx3" }), { spdxSchema: SCHEMA! });
    assert.equal(v.schemaChecked, true);
    assert.deepEqual(v.problems, [], dir);
  }
});

test("SPDX 3.0.1 schema: the validator rejects what the schema forbids", async (t) => {
  if (skip !== undefined) return t.skip(skip);
  const doc = await bom(EXAMPLE, { clock, format: "spdx3" });
  const graph = doc["@graph"] as Record<string, unknown>[];
  const file = graph.find((e) => e.type === "software_File")!;
  file.verifiedUsing = [{ type: "Hash", algorithm: "not-an-algorithm", hashValue: "00" }];
  const v = await validateBom(doc, { spdxSchema: SCHEMA! });
  assert.equal(v.valid, false);
  assert.ok(v.problems.some((p) => p.kind === "schema"));
  // The upstream example is valid (a sanity check of how the schema is loaded).
  const example = JSON.parse(readFileSync(join(SHARED_DIR!, "data", "schemas", "spdx3", "example-package_sbom.json"), "utf8")) as unknown;
  const ok = await validateBom(example, { spdxSchema: SCHEMA! });
  assert.deepEqual(ok.problems.filter((p) => p.kind === "schema"), []);
});
