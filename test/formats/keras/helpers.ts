/**
 * Shared by the Keras and HDF5 tests: fixture access (test/fixtures/keras, see its README for how each
 * file was made) and a tiny assembler for CPython marshal streams, to build exactly the bytes a test needs.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BufferSource } from "../../../src/core/source.js";

export const FIXTURES = join(import.meta.dirname, "..", "..", "fixtures", "keras");

export function fixturePath(name: string): string {
  return join(FIXTURES, name);
}

export function fixtureBytes(name: string): Buffer {
  return readFileSync(fixturePath(name));
}

export function fixture(name: string): BufferSource {
  return new BufferSource(fixtureBytes(name));
}

/** marshal_samples.json: the same lambda marshalled by Python 2.7 ... 3.13 (key: major.minor). */
export function marshalSamples(): Record<string, { python: string; base64: string }> {
  return JSON.parse(readFileSync(fixturePath("marshal_samples.json"), "utf8")) as Record<string, { python: string; base64: string }>;
}

// ------------------------------------------------------------------ marshal assembler (Python/marshal.c)

const i32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
};

export const M = {
  none: () => Buffer.from("N"),
  int: (n: number) => Buffer.concat([Buffer.from("i"), i32(n)]),
  /** Short ASCII string ('z'); `ref` sets FLAG_REF so later `r` codes can point at it. */
  str: (s: string, ref = false) => Buffer.concat([Buffer.from([ref ? 0xfa : 0x7a, s.length]), Buffer.from(s, "latin1")]),
  unicode: (s: string) => Buffer.concat([Buffer.from("u"), i32(Buffer.byteLength(s)), Buffer.from(s, "utf8")]),
  bytes: (b: Uint8Array) => Buffer.concat([Buffer.from("s"), i32(b.length), b]),
  tuple: (...items: Buffer[]) => Buffer.concat([Buffer.from([0x29, items.length]), ...items]),
  refTuple: (...items: Buffer[]) => Buffer.concat([Buffer.from([0xa9, items.length]), ...items]),
  ref: (n: number) => Buffer.concat([Buffer.from("r"), i32(n)]),
  /** A 3.11+ code object: 5 int fields, then code, consts, names, localsplusnames, kinds, filename, name, qualname, firstlineno, linetable, exceptiontable. */
  code311(consts: Buffer, names: Buffer, name = "<lambda>"): Buffer {
    return Buffer.concat([
      Buffer.from("c"), i32(1), i32(0), i32(0), i32(3), i32(3),
      M.bytes(Uint8Array.of(0x97, 0x00)), consts, names, M.tuple(M.str("x")), M.bytes(Uint8Array.of(0x20)),
      M.str("<test>"), M.str(name), M.str(name), i32(1), M.bytes(new Uint8Array(0)), M.bytes(new Uint8Array(0)),
    ]);
  },
  /** A 3.8-3.10 code object: 6 int fields, code, consts, names, varnames, freevars, cellvars, filename, name, firstlineno, lnotab. */
  code310(consts: Buffer, names: Buffer, name = "<lambda>"): Buffer {
    return Buffer.concat([
      Buffer.from("c"), i32(1), i32(0), i32(0), i32(1), i32(3), i32(0x43),
      M.bytes(Uint8Array.of(0x74, 0x00)), consts, names, M.tuple(M.str("x")), M.tuple(), M.tuple(),
      M.str("<test>"), M.str(name), i32(1), M.bytes(new Uint8Array(0)),
    ]);
  },
};
