import assert from "node:assert/strict";
import { test } from "node:test";
import { blockingFindings, erroredArtifacts } from "../../src/report/gate.js";
import { sampleArtifacts, sampleReport } from "./fixtures.js";

const ruleIds = (failOn: Parameters<typeof blockingFindings>[1]) => blockingFindings(sampleReport(), failOn).map((b) => b.finding.ruleId);

test("findings at or above the threshold block", () => {
  assert.deepEqual(ruleIds("critical"), ["pickle/dangerous-global"]);
  assert.deepEqual(ruleIds("high"), ["pickle/dangerous-global", "pickle/unsafe-call"]);
  assert.deepEqual(ruleIds("info"), [
    "pickle/dangerous-global",
    "pickle/unsafe-call",
    "zip/crc-mismatch",
    "pickle/unknown-class",
    "pickle/trailing-data",
    "pickle/multiple-pickles",
    "zip/unsupported-compression",
  ]);
});

test("suppressed findings never block", () => {
  const evidence = blockingFindings(sampleReport(), "info").map((b) => b.finding.evidence);
  assert.ok(evidence.includes("thirdparty.Widget"));
  assert.ok(!evidence.includes("mylib.Config"), "the suppressed unknown-class finding must not block");
});

test("blocking findings name their artifact", () => {
  const [first] = blockingFindings(sampleReport(), "critical");
  assert.equal(first!.artifact.path, "models/checkpoint.pt");
});

test("errored artifacts are those with verdict error", () => {
  assert.deepEqual(erroredArtifacts(sampleReport()).map((a) => a.path), ["models/packed.zip"]);
  assert.deepEqual(erroredArtifacts(sampleReport(sampleArtifacts().slice(0, 2))), []);
});
