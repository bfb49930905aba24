/**
 * The allowlist is compiled from real files: every global imported by the benign pickle-family files
 * of the corpus (written by torch, numpy, scikit-learn and joblib) is allowed, and the weight-only
 * files stay allowed under --strict. The denylist covers the known-dangerous families.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { classify, normalizeGlobal } from "../../../src/formats/pickle/policy.js";
import { scanPickleBytes } from "../../../src/formats/pickle/stream.js";
import { pickleOptions } from "../../../src/formats/pickle/handler.js";
import { defaultSettings } from "../../../src/scan/settings.js";

const CORPUS = join(import.meta.dirname, "..", "..", "fixtures", "corpus");
const lists = (strict: boolean) => ({ strict, allow: [], deny: [] });

function globalsOf(rel: string): string[] {
  return scanPickleBytes(readFileSync(join(CORPUS, rel)), pickleOptions(defaultSettings(), "file")).globals;
}

test("globals in benign torch/numpy/sklearn/joblib files are all allowed", () => {
  const benign = [
    "pickle/pkl_np2_p2.pkl", "pickle/pkl_np_masked.pkl", "pickle/pkl_np_p4_dict.pkl", "pickle/pkl_stdlib_p4.pkl",
    "pickle/pkl_plain_p1.pkl", "sklearn/sk_pickle_lr_sav.sav", "sklearn/sk_pickle_rf_p2.pkl", "sklearn/sk_joblib_rf.joblib",
    "sklearn/joblib_numpy_dict2.joblib", "pytorch/torch_legacy_dtypes.pt", "pytorch/torch_legacy_ckpt.pth", "pytorch/medium_torch_legacy.pth",
  ];
  const seen = new Set<string>();
  for (const rel of benign) for (const g of globalsOf(rel)) seen.add(g);
  assert.ok(seen.size >= 15, `expected many distinct globals, saw ${[...seen].join(", ")}`);
  for (const g of seen) {
    const dot = g.lastIndexOf(".");
    assert.deepEqual(classify(g.slice(0, dot), g.slice(dot + 1), lists(false)), { kind: "allow" }, g);
  }
});

test("--strict keeps weight files allowed and rejects scikit-learn objects", () => {
  for (const rel of ["pytorch/torch_legacy_dtypes.pt", "pickle/pkl_np_p4_dict.pkl", "pickle/pkl_np2_p2.pkl"]) {
    for (const g of globalsOf(rel)) {
      const dot = g.lastIndexOf(".");
      assert.equal(classify(g.slice(0, dot), g.slice(dot + 1), lists(true)).kind, "allow", `${rel}: ${g}`);
    }
  }
  assert.equal(classify("sklearn.tree._tree", "Tree", lists(true)).kind, "unknown");
  assert.equal(classify("sklearn.tree._tree", "Tree", lists(false)).kind, "allow");
});

test("known-dangerous callables are denied, including gadgets and scanner tampering", () => {
  const dangerous = [
    ["os", "system"], ["posix", "system"], ["nt", "system"], ["subprocess", "Popen"], ["builtins", "eval"], ["builtins", "exec"],
    ["builtins", "getattr"], ["builtins", "__import__"], ["importlib", "import_module"], ["runpy", "run_path"],
    ["socket", "create_connection"], ["urllib.request", "urlopen"], ["requests.api", "get"], ["pip", "main"],
    ["marshal", "loads"], ["types", "CodeType"], ["operator", "attrgetter"], ["functools", "partial"], ["pickle", "loads"],
    ["torch", "load"], ["torch.storage", "_load_from_bytes"], ["numpy", "load"], ["pdb", "run"], ["cProfile", "run"],
    ["timeit", "timeit"], ["shutil", "rmtree"], ["ctypes", "CDLL"], ["picklescan.scanner", "scan_file_path"],
    ["uuid", "_get_command_stdout"], ["pydoc", "pipepager"], ["code", "InteractiveInterpreter"], ["asyncio.subprocess", "create_subprocess_exec"],
  ];
  for (const [m, n] of dangerous) assert.equal(classify(m, n, lists(false)).kind, "deny", `${m}.${n}`);
});

test("an unknown global is unknown, never allowed: the allowlist decides", () => {
  assert.equal(classify("some_new_gadget_module", "do_it", lists(false)).kind, "unknown");
  assert.equal(classify("builtins", "breakpointx", lists(false)).kind, "unknown");
  assert.equal(classify("sklearn.utils", "some_function", lists(false)).kind, "unknown");
});

test("Python 2 module names map like CPython's _compat_pickle", () => {
  assert.deepEqual(normalizeGlobal("__builtin__", "set"), ["builtins", "set"]);
  assert.deepEqual(normalizeGlobal("copy_reg", "_reconstructor"), ["copyreg", "_reconstructor"]);
  assert.deepEqual(normalizeGlobal("__builtin__", "reduce"), ["functools", "reduce"]);
  assert.deepEqual(normalizeGlobal("commands", "getoutput"), ["subprocess", "getoutput"]);
});
