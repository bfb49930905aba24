/**
 * End to end through `scan()`: sniffing picks the safetensors handler, thrown VouchErrors become
 * format/malformed findings, and verdicts follow the corpus labels (benign -> clean, invalid -> error).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { scan } from "../../../src/index.js";
import type { ArtifactReport } from "../../../src/core/types.js";
import { FIXTURES } from "./helpers.js";

/** path -> [verdict, format, findings as "rule@offset"], for every fixture. */
const EXPECTED: Record<string, [string, string, string[]]> = {
  // copies of /work/shared/corpus/safetensors, verdicts from its labels.tsv
  "st_bad_header_len_beyond_file.safetensors": ["error", "safetensors", ["format/malformed@0"]],
  "st_bad_missing_field.safetensors": ["error", "safetensors", ["format/malformed@105"]],
  "st_bad_non_json_header.safetensors": ["error", "unknown", ["format/unrecognized-model@-"]],
  "st_bad_overlapping_offsets.safetensors": ["error", "safetensors", ["safetensors/trailing-bytes@190", "format/malformed@105"]],
  "st_bad_shape_size_mismatch.safetensors": ["error", "safetensors", ["format/malformed@43"]],
  "st_edge_shapes.safetensors": ["clean", "safetensors", []],
  "st_mixed_dtypes.safetensors": ["clean", "safetensors", []],
  "st_shard1.safetensors": ["clean", "safetensors", []],
  "st_shard2.safetensors": ["clean", "safetensors", []],
  // made by make_fixtures.py
  "valid_two_tensors.safetensors": ["clean", "safetensors", []],
  "valid_subbyte.safetensors": ["clean", "safetensors", []],
  "dup_tensor_key.safetensors": ["error", "safetensors", ["format/malformed@63"]],
  "dup_escaped_key.safetensors": ["error", "safetensors", ["format/malformed@62"]],
  "header_len_2_63.safetensors": ["error", "safetensors", ["format/malformed@0"]],
  "bad_shapes.safetensors": ["error", "safetensors", ["format/malformed@38", "format/malformed@97"]],
  "gap_between_tensors.safetensors": ["error", "safetensors", ["format/malformed@136"]],
  "unknown_dtype.safetensors": ["error", "safetensors", ["format/malformed@76"]],
  "metadata_non_string.safetensors": ["error", "safetensors", ["format/malformed@48", "format/malformed@58"]],
  "depth_bomb.safetensors": ["error", "safetensors", ["format/malformed@44"]],
  "header_not_object.safetensors": ["error", "unknown", ["format/unrecognized-model@-"]],
  "trailing_bytes.safetensors": ["suspicious", "safetensors", ["safetensors/trailing-bytes@184"]],
  "unknown_key.safetensors": ["clean", "safetensors", ["safetensors/unknown-key@62"]],
  "offsets_beyond_data.safetensors": ["error", "safetensors", ["format/malformed@110"]],
  // the generator and the fixture notes are text
  "make_fixtures.py": ["clean", "python", []],
  "README.md": ["clean", "text", []],
};

const summary = (a: ArtifactReport) => [a.verdict, a.format, a.findings.map((f) => `${f.ruleId}@${f.location.offset ?? "-"}`)];

test("every fixture gets its expected verdict, format and findings through scan()", async () => {
  const report = await scan([FIXTURES]);
  const got = Object.fromEntries(report.artifacts.map((a) => [a.path, summary(a)]));
  assert.deepEqual(got, EXPECTED);
});

test("a thrown header error reaches the report as format/malformed with its code, offset and hint", async () => {
  const [a] = (await scan([join(FIXTURES, "header_len_2_63.safetensors")])).artifacts;
  assert.equal(a.complete, false);
  assert.deepEqual(a.findings, [{
    ruleId: "format/malformed",
    severity: "low",
    message: "E_SAFETENSORS_HEADER_TOO_LARGE: the header length 9223372036854775808 exceeds the 100000000-byte cap (offset 0). " +
      "The reference loader refuses headers this large; the length field is corrupt or hostile",
    location: { offset: 0 },
  }]);
  assert.deepEqual(a.metadata, {});
});

test("a clean file's report carries the BOM metadata and the digest of the whole file", async () => {
  const path = join(FIXTURES, "valid_two_tensors.safetensors");
  const [a] = (await scan([path])).artifacts;
  assert.deepEqual(a.metadata, { safetensors: { tensors: 2, parameters: 8, dtypes: { F32: 2 }, metadata: { format: "pt" }, headerBytes: 144 } });
  assert.equal(a.sha256, createHash("sha256").update(readFileSync(path)).digest("hex"));
  assert.equal(a.size, 184);
  assert.equal(a.complete, true);
});
