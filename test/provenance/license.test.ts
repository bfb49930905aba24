/** Licence ids: SPDX mapping (including the Hub's own spellings) and commercial use. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { classifyLicense } from "../../src/provenance/license.js";

test("Hub ids map to SPDX ids, including renamed and deprecated ones", () => {
  assert.equal(classifyLicense("apache-2.0").spdx, "Apache-2.0");
  assert.equal(classifyLicense("MIT").spdx, "MIT");
  assert.equal(classifyLicense("odbl").spdx, "ODbL-1.0");
  assert.equal(classifyLicense("gpl-3.0").spdx, "GPL-3.0-only");
  assert.equal(classifyLicense("GPL-3.0-or-later").spdx, "GPL-3.0-or-later");
});

test("model licences without an SPDX id are classified by what they allow", () => {
  assert.deepEqual(classifyLicense("llama3.1").spdx, undefined);
  assert.equal(classifyLicense("llama3.1").commercial, "restricted");
  assert.equal(classifyLicense("creativeml-openrail-m").commercial, "restricted");
  assert.equal(classifyLicense("deepfloyd-if-license").commercial, "forbidden");
  assert.equal(classifyLicense("other").commercial, "unknown");
});

test("non-commercial Creative Commons licences forbid commercial use; the rest allow it", () => {
  for (const id of ["cc-by-nc-4.0", "cc-by-nc-sa-4.0", "cc-by-nc-nd-3.0"]) assert.equal(classifyLicense(id).commercial, "forbidden", id);
  for (const id of ["cc-by-4.0", "cc-by-sa-4.0", "cc0-1.0", "mit"]) assert.equal(classifyLicense(id).commercial, "allowed", id);
});

test("an id nobody knows is neither SPDX nor judged", () => {
  const info = classifyLicense("my-own-license");
  assert.equal(info.spdx, undefined);
  assert.equal(info.commercial, "unknown");
  assert.match(info.note!, /not a licence id/);
});
