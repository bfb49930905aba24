import assert from "node:assert/strict";
import { test } from "node:test";
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, scanExitCode } from "../../src/cli/exit-codes.js";
import { useColor } from "../../src/cli/io.js";
import { cleanArtifact, sampleArtifacts, sampleReport } from "../report/fixtures.js";

test("1 when an unsuppressed finding is at or above --fail-on, even if another artifact errored", () => {
  assert.equal(scanExitCode(sampleReport(), "high"), EXIT_FINDINGS);
  assert.equal(scanExitCode(sampleReport(), "critical"), EXIT_FINDINGS);
});

test("2 when nothing blocks but an artifact could not be judged", () => {
  const errorOnly = sampleArtifacts().filter((a) => a.verdict === "error");
  assert.equal(scanExitCode(sampleReport(errorOnly), "high"), EXIT_ERROR);
});

test("0 when nothing blocks and everything was read; suppressed findings never block", () => {
  assert.equal(scanExitCode(sampleReport([cleanArtifact(1)]), "info"), EXIT_OK);
  const legacy = sampleArtifacts().filter((a) => a.path === "models/legacy.bin");
  assert.equal(scanExitCode(sampleReport(legacy), "medium"), EXIT_FINDINGS);
  legacy[0]!.findings = legacy[0]!.findings.filter((f) => f.suppressed);
  assert.equal(scanExitCode(sampleReport(legacy), "info"), EXIT_OK);
});

test("colour needs a terminal and no NO_COLOR (an empty NO_COLOR does not count)", () => {
  assert.equal(useColor({ write: () => true, isTTY: true }, {}), true);
  assert.equal(useColor({ write: () => true, isTTY: true }, { NO_COLOR: "1" }), false);
  assert.equal(useColor({ write: () => true, isTTY: true }, { NO_COLOR: "" }), true);
  assert.equal(useColor({ write: () => true, isTTY: false }, {}), false);
  assert.equal(useColor({ write: () => true }, {}), false);
});
