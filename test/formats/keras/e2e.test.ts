/**
 * End to end through `scan()`: every Keras/HDF5 fixture gets its format and verdict, the .keras
 * archives route config.json, metadata.json and model.weights.h5 to the right handlers, and damaged
 * copies of real files always produce a report (never a crash) without running any payload.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scan } from "../../../src/index.js";
import type { ArtifactReport } from "../../../src/core/types.js";
import { mutants } from "../../support/fuzz.js";
import { fixtureBytes, fixturePath } from "./helpers.js";

/** file -> [format, verdict, rule ids of counted findings worse than info]. */
const EXPECTED: Record<string, [string, string, string[]]> = {
  "hdf5_generic_chunked.h5": ["hdf5", "clean", []],
  "keras_h5_functional.h5": ["keras-h5", "clean", []],
  "keras_h5_lambda_os_system.h5": ["keras-h5", "malicious", ["keras/lambda-bytecode"]],
  "keras3_dense2.keras": ["keras-v3-zip", "clean", []],
  "keras3_lambda.keras": ["keras-v3-zip", "malicious", ["keras/lambda-bytecode"]],
  "keras3_registered_popen.keras": ["keras-v3-zip", "malicious", ["keras/external-module"]],
  "keras2_module_os.h5": ["keras-h5", "malicious", ["keras/external-module"]],
  "nested_functional_lambda.h5": ["keras-h5", "malicious", ["keras/lambda-bytecode"]],
  "libver_latest_lambda.h5": ["keras-h5", "malicious", ["keras/lambda-bytecode"]],
  "truncated.h5": ["keras-h5", "error", ["format/malformed", "format/malformed"]],
  "huge_attribute.h5": ["keras-h5", "clean", []],
  "userblock.h5": ["keras-h5", "clean", []],
  "dense_attributes.h5": ["hdf5", "error", ["hdf5/unread-structure"]],
  "fixed_string_config.h5": ["keras-h5", "clean", []],
  "keras2_lambda_function.json": ["keras-config", "malicious", ["keras/lambda-function"]],
  "keras3_unsafe_deserialization.json": ["keras-config", "malicious", ["keras/unsafe-keras-function"]],
  "keras3_custom_object.json": ["keras-config", "suspicious", ["keras/custom-object"]],
};

const significant = (a: ArtifactReport) => a.findings.filter((f) => f.severity !== "info").map((f) => f.ruleId);

test("every fixture: format, verdict and findings through scan()", async () => {
  const names = Object.keys(EXPECTED);
  const report = await scan(names.map(fixturePath));
  const byName = new Map(report.artifacts.map((a) => [a.path.slice(a.path.lastIndexOf("/") + 1), a]));
  for (const name of names) {
    const a = byName.get(name);
    assert.ok(a, `no report for ${name}`);
    assert.deepEqual([a.format, a.verdict, significant(a)], EXPECTED[name], name);
  }
});

test("a .keras archive: config.json, metadata.json and model.weights.h5 reach their handlers", async () => {
  const [a] = (await scan([fixturePath("keras3_lambda.keras")])).artifacts;
  assert.deepEqual(a.members?.map((m) => [m.path, m.format]), [
    ["metadata.json", "keras-metadata"],
    ["config.json", "keras-config"],
    ["model.weights.h5", "hdf5"],
  ]);
  assert.deepEqual(a.members?.[0].metadata, { keras: { version: "3.3.3", dateSaved: "2024-06-11@10:00:00" } });
  const f = a.findings[0];
  assert.deepEqual([f.ruleId, f.severity, f.location.member], ["keras/lambda-bytecode", "critical", "config.json"]);
  assert.equal(f.evidence, "$.config.layers[2].config.function.config: Lambda 'lambda': co_names=[__import__, system] consts=['os', 'id'] code=<lambda> file=<corpus> python=3.11+");
});

test("damaged copies of real files always get a report, and no payload runs", async () => {
  const marker = "/tmp/vouch-keras-fixture-marker";
  rmSync(marker, { force: true });
  const dir = mkdtempSync(join(tmpdir(), "vouch-keras-e2e-"));
  try {
    const paths: string[] = [];
    for (const name of ["keras_h5_lambda_os_system.h5", "keras3_lambda.keras", "keras2_lambda_function.json"]) {
      for (const [i, m] of [...mutants(fixtureBytes(name), 31, 8, 16, 8)].entries()) {
        const p = join(dir, `${i}-${name}`);
        writeFileSync(p, m.bytes);
        paths.push(p);
      }
    }
    const report = await scan(paths);
    assert.equal(report.artifacts.length, paths.length);
    for (const a of report.artifacts) {
      assert.ok(["clean", "suspicious", "malicious", "error"].includes(a.verdict));
      assert.ok(!a.findings.some((f) => /Internal error/.test(f.message)), `${a.path}: ${a.findings.map((f) => f.message).join("; ")}`);
    }
    assert.equal(existsSync(marker), false, "a payload ran during the scan");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
