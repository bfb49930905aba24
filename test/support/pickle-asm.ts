/**
 * A tiny pickle assembler for hand-made test streams. Each helper emits the exact opcode bytes that
 * CPython's pickletools documents for that opcode (protocols 0-5), so hostile streams can be built
 * opcode by opcode and every test says what it contains. Nothing here ever unpickles anything.
 */
const enc = new TextEncoder();

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

function u64(n: number): number[] {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return [...b];
}

export const P = {
  proto: (n: number) => [0x80, n],
  frame: (n: number) => [0x95, ...u64(n)],
  stop: () => [0x2e],
  mark: () => [0x28],
  pop: () => [0x30],
  dup: () => [0x32],
  none: () => [0x4e],
  memoize: () => [0x94],
  binput: (i: number) => [0x71, i],
  binget: (i: number) => [0x68, i],
  longBinget: (i: number) => [0x6a, ...u32(i)],
  put: (i: number) => [...enc.encode(`p${i}\n`)],
  get: (i: number) => [...enc.encode(`g${i}\n`)],
  binint1: (n: number) => [0x4b, n],
  /** GLOBAL 'c': protocol 0 text form, module and name on their own lines. */
  global: (m: string, n: string) => [0x63, ...enc.encode(`${m}\n${n}\n`)],
  /** INST 'i': like GLOBAL, then calls the class with the items above the mark. */
  inst: (m: string, n: string) => [0x69, ...enc.encode(`${m}\n${n}\n`)],
  stackGlobal: () => [0x93],
  short: (s: string) => {
    const b = enc.encode(s);
    return [0x8c, b.length, ...b];
  },
  binunicode: (s: string) => {
    const b = enc.encode(s);
    return [0x58, ...u32(b.length), ...b];
  },
  /** STRING 'S': protocol 0 quoted string. */
  string0: (s: string) => [...enc.encode(`S'${s}'\n`)],
  /** UNICODE 'V': protocol 0 raw-unicode-escape line. */
  unicode0: (s: string) => [...enc.encode(`V${s}\n`)],
  shortBinbytes: (b: Uint8Array | number[]) => [0x43, b.length, ...b],
  binbytes: (b: Uint8Array | number[]) => [0x42, ...u32(b.length), ...b],
  tuple1: () => [0x85],
  tuple2: () => [0x86],
  tuple3: () => [0x87],
  tuple: () => [0x74],
  emptyTuple: () => [0x29],
  emptyDict: () => [0x7d],
  emptyList: () => [0x5d],
  list: () => [0x6c],
  append: () => [0x61],
  appends: () => [0x65],
  setitem: () => [0x73],
  reduce: () => [0x52],
  build: () => [0x62],
  newobj: () => [0x81],
  newobjEx: () => [0x92],
  obj: () => [0x6f],
  ext1: (n: number) => [0x82, n],
  nextBuffer: () => [0x97],
  binpersid: () => [0x51],
};

/** Concatenates opcode byte arrays into one stream. */
export function asm(...parts: number[][]): Uint8Array {
  return Uint8Array.from(parts.flat());
}

/** `module.name(arg)` with protocol 2 opcodes: GLOBAL, BINUNICODE, TUPLE1, REDUCE, STOP. */
export function callPickle(module: string, name: string, arg: string, proto = 2): Uint8Array {
  return asm(P.proto(proto), P.global(module, name), P.binunicode(arg), P.tuple1(), P.reduce(), P.stop());
}
