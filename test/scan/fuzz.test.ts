/**
 * Property, end to end: mutated real files of every registered format (truncated, bit-flipped,
 * overwritten) always come back as a report. No handler may throw anything but a VouchError: the
 * orchestrator reports other exceptions as "Internal error", which this test treats as a failure.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { scan } from "../../src/index.js";
import { mutants } from "../support/fuzz.js";

const CORPUS = join(import.meta.dirname, "..", "fixtures", "corpus");
const SAMPLES = [
  "pickle/pkl_np_p4_dict.pkl",
  "pytorch/torch_sd_convnet.bin",
  "pytorch/torch_legacy_dtypes.pt",
  "torchscript/torchscript_traced.pt",
  "numpy/npy_structured.npy",
  "numpy/npz_compressed.npz",
  "sklearn/sk_joblib_zlib.pkl",
  "sklearn/sk_joblib_bz2.joblib.bz2",
  "pickle/pkl_gz_benign.pkl.gz",
  "safetensors/st_mixed_dtypes.safetensors",
];

test("mutated files of every format end in a report without internal errors", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vouch-fuzz-"));
  let n = 0;
  for (const [i, rel] of SAMPLES.entries()) {
    const data = readFileSync(join(CORPUS, rel));
    for (const m of mutants(data, 7000 + i, 6, 10, 4)) writeFileSync(join(dir, `${n++}-${basename(rel)}`), m.bytes);
  }
  const t0 = performance.now();
  const r = await scan([dir]);
  const seconds = (performance.now() - t0) / 1000;
  assert.equal(r.artifacts.length, n);
  const internal = r.artifacts.flatMap((a) => a.findings.filter((f) => /Internal error/.test(f.message)).map((f) => `${a.path}: ${f.message}`));
  assert.deepEqual(internal, []);
  for (const a of r.artifacts) assert.ok(["malicious", "suspicious", "clean", "error"].includes(a.verdict));
  assert.ok(seconds < 60, `took ${seconds} s`);
});
