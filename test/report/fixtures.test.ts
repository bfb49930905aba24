import assert from "node:assert/strict";
import { test } from "node:test";
import { deriveVerdict } from "../../src/scan/verdict.js";
import { sampleArtifacts } from "./fixtures.js";

test("the hand-built fixtures agree with the verdict rule", () => {
  for (const artifact of sampleArtifacts()) assert.equal(deriveVerdict(artifact), artifact.verdict, artifact.path);
});
