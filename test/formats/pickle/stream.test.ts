/**
 * The pickle reader and symbolic machine on hand-assembled streams (see test/support/pickle-asm.ts):
 * every import and call form CPython's unpickler supports, the stream tricks that hide payloads,
 * malformed input and resource bombs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { scanPickleBytes, type PickleStreamResult } from "../../../src/formats/pickle/stream.js";
import { pickleOptions } from "../../../src/formats/pickle/handler.js";
import { defaultSettings, type ScanSettings } from "../../../src/scan/settings.js";
import { P, asm, callPickle } from "../../support/pickle-asm.js";

function run(bytes: Uint8Array, settings: Partial<ScanSettings> = {}, mode: "file" | "single" = "file"): PickleStreamResult {
  return scanPickleBytes(bytes, pickleOptions(defaultSettings(settings), mode));
}

function rules(r: PickleStreamResult): string[] {
  return r.findings.map((f) => f.ruleId).sort();
}

function evidence(r: PickleStreamResult, ruleId: string): string[] {
  return r.findings.filter((f) => f.ruleId === ruleId).map((f) => f.evidence ?? "");
}

test("GLOBAL + REDUCE reconstructs the call as evidence", () => {
  const r = run(callPickle("os", "system", "echo pwned"));
  assert.deepEqual(rules(r), ["pickle/dangerous-global"]);
  assert.deepEqual(evidence(r, "pickle/dangerous-global"), ["os.system('echo pwned')"]);
  assert.equal(r.complete, true);
  assert.equal(r.pickles, 1);
});

test("Python 2 names are normalised like CPython's fix_imports (__builtin__.eval is builtins.eval)", () => {
  const r = run(callPickle("__builtin__", "eval", "1+1"));
  assert.deepEqual(evidence(r, "pickle/dangerous-global"), ["builtins.eval('1+1')"]);
});

test("STACK_GLOBAL with operands fetched from the memo is resolved", () => {
  // 'os' and 'system' are memoized first, popped, then fetched back with BINGET before STACK_GLOBAL
  const bytes = asm(
    P.proto(4), P.short("os"), P.memoize(), P.pop(), P.short("system"), P.memoize(), P.pop(),
    P.binget(0), P.binget(1), P.stackGlobal(), P.short("id"), P.tuple1(), P.reduce(), P.stop(),
  );
  const r = run(bytes);
  assert.deepEqual(evidence(r, "pickle/dangerous-global"), ["os.system('id')"]);
});

test("STACK_GLOBAL with operands that are not strings is unresolved and high", () => {
  const bytes = asm(P.proto(4), P.binint1(1), P.short("system"), P.stackGlobal(), P.stop());
  const r = run(bytes);
  assert.deepEqual(rules(r), ["pickle/unresolved-global"]);
});

test("getattr(__import__('os'), 'system')('id') is shown whole", () => {
  const bytes = asm(
    P.proto(2),
    P.global("builtins", "getattr"),
    P.global("builtins", "__import__"), P.binunicode("os"), P.tuple1(), P.reduce(),
    P.binunicode("system"), P.tuple2(), P.reduce(),
    P.binunicode("id"), P.tuple1(), P.reduce(),
    P.stop(),
  );
  const r = run(bytes);
  const ev = evidence(r, "pickle/dangerous-global");
  assert.ok(ev.includes("builtins.getattr(builtins.__import__('os'), 'system')('id')"), ev.join("\n"));
  assert.ok(ev.includes("builtins.__import__('os')"));
});

test("INST and OBJ with arguments are calls; without arguments they only reconstruct", () => {
  const inst = run(asm(P.mark(), P.string0("id"), P.inst("subprocess", "check_output"), P.stop()));
  assert.deepEqual(evidence(inst, "pickle/dangerous-global"), ["subprocess.check_output('id')"]);
  const objCall = run(asm(P.proto(1), P.mark(), P.global("mypkg", "run"), P.string0("x"), P.obj(), P.stop()));
  assert.deepEqual(rules(objCall), ["pickle/unsafe-call"]);
  const objNew = run(asm(P.proto(1), P.mark(), P.global("mypkg", "Config"), P.obj(), P.emptyDict(), P.build(), P.stop()));
  assert.deepEqual(rules(objNew), ["pickle/unknown-class"]);
});

test("NEWOBJ of an unknown class is medium; REDUCE of an unknown callable is high", () => {
  const newobj = run(asm(P.proto(2), P.global("tinynets", "Cfg"), P.emptyTuple(), P.newobj(), P.emptyDict(), P.build(), P.stop()));
  assert.deepEqual(rules(newobj), ["pickle/unknown-class"]);
  assert.equal(newobj.findings[0].severity, undefined); // the rule's default (medium)
  const reduce = run(callPickle("gadgets", "run_anything", "x"));
  assert.deepEqual(rules(reduce), ["pickle/unsafe-call"]);
  assert.deepEqual(evidence(reduce, "pickle/unsafe-call"), ["gadgets.run_anything('x')"]);
});

test("NEWOBJ_EX passes keyword arguments into the evidence", () => {
  const bytes = asm(P.proto(4), P.global("subprocess", "Popen"), P.emptyTuple(), P.emptyDict(), P.short("args"), P.short("id"), P.setitem(), P.newobjEx(), P.stop());
  const r = run(bytes);
  assert.deepEqual(evidence(r, "pickle/dangerous-global"), ["subprocess.Popen.__new__(subprocess.Popen, args='id')"]);
});

test("copyreg._reconstructor is the object path: the class it names is judged, not copyreg", () => {
  const bytes = asm(
    P.proto(1), P.global("copy_reg", "_reconstructor"), P.mark(), P.global("mypkg", "Model"), P.global("__builtin__", "object"), P.none(), P.tuple(), P.reduce(),
    P.emptyDict(), P.build(), P.stop(),
  );
  const r = run(bytes);
  assert.deepEqual(rules(r), ["pickle/unknown-class"]);
  assert.match(r.findings[0].message, /mypkg\.Model/);
});

test("an import that is never called still counts: dangerous is critical, unknown is medium", () => {
  const danger = run(asm(P.proto(2), P.global("os", "system"), P.stop()));
  assert.deepEqual(rules(danger), ["pickle/dangerous-global"]);
  const unknown = run(asm(P.proto(2), P.global("mypkg", "helper"), P.stop()));
  assert.deepEqual(rules(unknown), ["pickle/unknown-global"]);
});

test("allowlisted globals from real model files raise nothing; --strict narrows the list", () => {
  const bytes = asm(P.proto(2), P.global("collections", "OrderedDict"), P.emptyTuple(), P.reduce(), P.global("datetime", "date"), P.binbytes([7, 230, 1, 1]), P.tuple1(), P.reduce(), P.tuple2(), P.stop());
  assert.deepEqual(rules(run(bytes)), []);
  assert.deepEqual(rules(run(bytes, { strict: true })), ["pickle/unsafe-call"]);
});

test("user allow and deny lists extend the policy", () => {
  const bytes = callPickle("mypkg.layers", "build", "x");
  assert.deepEqual(rules(run(bytes, { pickleAllow: ["mypkg.*"] })), []);
  const denied = run(callPickle("numpy", "dtype", "f4"), { pickleDeny: ["numpy.dtype"] });
  assert.deepEqual(rules(denied), ["pickle/dangerous-global"]);
});

test("dotted names reaching dunder attributes are critical", () => {
  const bytes = asm(P.proto(4), P.short("builtins"), P.short("object.__subclasses__"), P.stackGlobal(), P.emptyTuple(), P.reduce(), P.stop());
  const r = run(bytes);
  assert.ok(rules(r).includes("pickle/dangerous-attribute"));
  assert.ok(rules(r).includes("pickle/dangerous-global"));
});

test("BUILD on an imported object is flagged (attribute overwrite)", () => {
  const bytes = asm(P.proto(2), P.global("torch", "load"), P.emptyDict(), P.build(), P.stop());
  const r = run(bytes);
  assert.ok(rules(r).includes("pickle/build-on-global"));
});

test("EXT opcodes are flagged: what they import depends on the loading process", () => {
  const r = run(asm(P.proto(2), P.ext1(42), P.emptyTuple(), P.reduce(), P.stop()));
  assert.ok(rules(r).includes("pickle/extension-code"));
});

test("a pickle concatenated after the first is scanned (payload in the second)", () => {
  const first = asm(P.proto(2), P.emptyDict(), P.stop());
  const r = run(asm([...first], [...callPickle("os", "system", "id")]));
  assert.deepEqual(rules(r), ["pickle/dangerous-global", "pickle/multiple-pickles"]);
  assert.equal(r.pickles, 2);
  assert.equal(r.findings.find((f) => f.ruleId === "pickle/dangerous-global")?.pickleIndex, 1);
});

test("junk after STOP is trailing data (medium), not an error", () => {
  const r = run(asm(P.proto(2), P.emptyDict(), P.stop(), [0xff, 0xfe, 0x00, 0x13]));
  assert.deepEqual(rules(r), ["pickle/trailing-data"]);
  assert.equal(r.complete, true);
});

test("a truncated payload after STOP is still seen", () => {
  const payload = callPickle("os", "system", "id");
  const r = run(asm(P.proto(2), P.emptyDict(), P.stop(), [...payload.subarray(0, payload.length - 1)]));
  assert.ok(rules(r).includes("pickle/dangerous-global"));
  assert.ok(rules(r).includes("pickle/trailing-data"));
});

test("a truncated pickle reports what ran before the break and is incomplete", () => {
  const full = callPickle("os", "system", "id");
  const r = run(full.subarray(0, full.length - 1)); // STOP removed: REDUCE already happened
  assert.ok(rules(r).includes("pickle/dangerous-global"));
  assert.ok(rules(r).includes("pickle/malformed"));
  assert.equal(r.complete, false);
  const early = run(full.subarray(0, 5));
  assert.deepEqual(rules(early), ["pickle/malformed"]);
  assert.equal(early.complete, false);
});

test("malformed streams end in a clear error with the byte offset", () => {
  const r = run(asm(P.proto(2), P.reduce()));
  assert.equal(r.findings[0].ruleId, "pickle/malformed");
  assert.equal(r.findings[0].offset, 2);
  assert.match(r.findings[0].message, /underflow/);
  const bad = run(asm(P.proto(2), [0xff]));
  assert.match(bad.findings[0].message, /invalid pickle opcode 0xff/);
  const proto9 = run(asm([0x80, 9], P.none(), P.stop()));
  assert.match(proto9.findings[0].message, /unsupported pickle protocol 9/);
});

test("a raw pickle nested in a bytes value is scanned", () => {
  const inner = callPickle("os", "system", "id");
  const r = run(asm(P.proto(3), P.binbytes(inner), P.stop()));
  assert.ok(rules(r).includes("pickle/nested-pickle"));
  assert.deepEqual(evidence(r, "pickle/dangerous-global"), ["os.system('id')"]);
});

test("base64- and hex-encoded nested pickles are decoded and scanned", () => {
  const inner = Buffer.from(callPickle("posix", "system", "id"));
  for (const text of [inner.toString("base64"), inner.toString("hex")]) {
    const r = run(asm(P.proto(2), P.binunicode(text), P.stop()));
    assert.deepEqual(evidence(r, "pickle/dangerous-global"), ["posix.system('id')"], text);
  }
});

test("protocol 2 bytes stored as a latin-1 str (_codecs.encode) are checked for nested pickles", () => {
  const inner = callPickle("os", "system", "id");
  const asLatin1 = String.fromCharCode(...inner);
  const r = run(asm(P.proto(2), P.global("_codecs", "encode"), P.binunicode(asLatin1), P.binunicode("latin1"), P.tuple2(), P.reduce(), P.stop()));
  assert.deepEqual(evidence(r, "pickle/dangerous-global"), ["os.system('id')"]);
});

test("a string that only looks like a pickle is not reported", () => {
  const r = run(asm(P.proto(3), P.binbytes([0x80, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff]), P.stop()));
  assert.deepEqual(rules(r), []);
});

test("pickles nested deeper than the budget fail closed", () => {
  let inner = callPickle("os", "system", "id");
  for (let i = 0; i < 6; i++) inner = asm(P.proto(3), P.binbytes(inner), P.stop());
  const r = run(inner);
  assert.ok(rules(r).includes("pickle/budget-exceeded"));
  assert.equal(r.complete, false);
});

test("protocol 0 text forms: GET/PUT, STRING, UNICODE escapes", () => {
  const bytes = asm(P.global("os", "system"), P.put(0), P.pop(), P.get(0), P.mark(), P.unicode0("echo \\u0041"), P.tuple(), P.reduce(), P.stop());
  const r = run(bytes);
  assert.deepEqual(evidence(r, "pickle/dangerous-global"), ["os.system('echo A')"]);
});

test("a memo bomb hits the budget instead of exhausting memory", () => {
  // MEMOIZE the same value over and over: each is a new memo entry
  const parts: number[][] = [P.proto(4), P.short("x")];
  for (let i = 0; i < 2000; i++) parts.push(P.memoize());
  parts.push(P.stop());
  const r = run(asm(...parts), { budgets: { pickleMemoEntries: 1000 } as ScanSettings["budgets"] });
  assert.deepEqual(rules(r), ["pickle/budget-exceeded"]);
  assert.equal(r.complete, false);
});

test("DUP and APPENDS bombs stay bounded: collections keep only a few items", () => {
  const parts: number[][] = [P.proto(2), P.emptyList(), P.short("x"), P.memoize()];
  for (let i = 0; i < 50; i++) parts.push(P.mark(), ...Array.from({ length: 1000 }, () => P.binget(0)), P.appends());
  parts.push(P.stop());
  const r = run(asm(...parts));
  assert.deepEqual(rules(r), []);
  assert.equal(r.complete, true);
  assert.equal(r.opcodes, 4 + 50 * 1002 + 1);
});

test("a stack-depth bomb hits the budget", () => {
  const parts: number[][] = [P.proto(2)];
  for (let i = 0; i < 5000; i++) parts.push(P.none());
  parts.push(P.stop());
  const r = run(asm(...parts), { budgets: { pickleStackDepth: 1000 } as ScanSettings["budgets"] });
  assert.deepEqual(rules(r), ["pickle/budget-exceeded"]);
});

test("NEXT_BUFFER and persistent ids are reported as info", () => {
  const r = run(asm(P.proto(5), P.nextBuffer(), P.stop()));
  assert.deepEqual(rules(r), ["pickle/out-of-band-buffer"]);
});

test("chunk boundaries never change the result", async () => {
  const { PickleStream } = await import("../../../src/formats/pickle/stream.js");
  const bytes = asm(P.proto(2), P.emptyDict(), P.stop(), [...callPickle("os", "system", "echo split across chunks")]);
  const whole = run(bytes);
  for (const size of [1, 2, 3, 7]) {
    const s = new PickleStream(pickleOptions(defaultSettings(), "file"));
    for (let i = 0; i < bytes.length; i += size) s.push(bytes.subarray(i, i + size));
    const r = s.end();
    assert.deepEqual(r.findings, whole.findings, `chunk size ${size}`);
  }
});

test("an empty stream is malformed", () => {
  const r = run(new Uint8Array(0));
  assert.deepEqual(rules(r), ["pickle/malformed"]);
  assert.equal(r.complete, false);
});
