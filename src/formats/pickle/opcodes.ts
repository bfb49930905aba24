/**
 * Every opcode CPython's `pickletools` knows (protocols 0-5), with the shape of its argument. The
 * disassembler reads arguments from this table; the symbolic machine gives them meaning.
 */

/** How an opcode's argument is encoded in the stream. */
export enum Arg {
  None,
  U1, // unsigned 1-byte int
  U2, // unsigned 2-byte little-endian int
  I4, // signed 4-byte little-endian int
  U4, // unsigned 4-byte little-endian int
  U8, // unsigned 8-byte little-endian int
  F8, // 8-byte big-endian IEEE double
  Line, // one '\n'-terminated line
  TwoLines, // two '\n'-terminated lines (module, name)
  Bytes1, // u1 length + bytes
  Bytes4, // u4 length + bytes (BINSTRING's length is signed: negative is an error)
  Bytes8, // u8 length + bytes
  Long1, // u1 length + little-endian two's complement int
  Long4, // i4 length + little-endian two's complement int
}

export interface OpcodeInfo {
  code: number;
  name: string;
  arg: Arg;
  proto: number;
}

const table: [string, string, Arg, number][] = [
  ["(", "MARK", Arg.None, 0],
  [".", "STOP", Arg.None, 0],
  ["0", "POP", Arg.None, 0],
  ["1", "POP_MARK", Arg.None, 1],
  ["2", "DUP", Arg.None, 0],
  ["F", "FLOAT", Arg.Line, 0],
  ["I", "INT", Arg.Line, 0],
  ["J", "BININT", Arg.I4, 1],
  ["K", "BININT1", Arg.U1, 1],
  ["L", "LONG", Arg.Line, 0],
  ["M", "BININT2", Arg.U2, 1],
  ["N", "NONE", Arg.None, 0],
  ["P", "PERSID", Arg.Line, 0],
  ["Q", "BINPERSID", Arg.None, 1],
  ["R", "REDUCE", Arg.None, 0],
  ["S", "STRING", Arg.Line, 0],
  ["T", "BINSTRING", Arg.Bytes4, 1],
  ["U", "SHORT_BINSTRING", Arg.Bytes1, 1],
  ["V", "UNICODE", Arg.Line, 0],
  ["X", "BINUNICODE", Arg.Bytes4, 1],
  ["a", "APPEND", Arg.None, 0],
  ["b", "BUILD", Arg.None, 0],
  ["c", "GLOBAL", Arg.TwoLines, 0],
  ["d", "DICT", Arg.None, 0],
  ["}", "EMPTY_DICT", Arg.None, 1],
  ["e", "APPENDS", Arg.None, 1],
  ["g", "GET", Arg.Line, 0],
  ["h", "BINGET", Arg.U1, 1],
  ["i", "INST", Arg.TwoLines, 0],
  ["j", "LONG_BINGET", Arg.U4, 1],
  ["l", "LIST", Arg.None, 0],
  ["]", "EMPTY_LIST", Arg.None, 1],
  ["o", "OBJ", Arg.None, 1],
  ["p", "PUT", Arg.Line, 0],
  ["q", "BINPUT", Arg.U1, 1],
  ["r", "LONG_BINPUT", Arg.U4, 1],
  ["s", "SETITEM", Arg.None, 0],
  ["t", "TUPLE", Arg.None, 0],
  [")", "EMPTY_TUPLE", Arg.None, 1],
  ["u", "SETITEMS", Arg.None, 1],
  ["G", "BINFLOAT", Arg.F8, 1],
  ["\x80", "PROTO", Arg.U1, 2],
  ["\x81", "NEWOBJ", Arg.None, 2],
  ["\x82", "EXT1", Arg.U1, 2],
  ["\x83", "EXT2", Arg.U2, 2],
  ["\x84", "EXT4", Arg.I4, 2],
  ["\x85", "TUPLE1", Arg.None, 2],
  ["\x86", "TUPLE2", Arg.None, 2],
  ["\x87", "TUPLE3", Arg.None, 2],
  ["\x88", "NEWTRUE", Arg.None, 2],
  ["\x89", "NEWFALSE", Arg.None, 2],
  ["\x8a", "LONG1", Arg.Long1, 2],
  ["\x8b", "LONG4", Arg.Long4, 2],
  ["B", "BINBYTES", Arg.Bytes4, 3],
  ["C", "SHORT_BINBYTES", Arg.Bytes1, 3],
  ["\x8c", "SHORT_BINUNICODE", Arg.Bytes1, 4],
  ["\x8d", "BINUNICODE8", Arg.Bytes8, 4],
  ["\x8e", "BINBYTES8", Arg.Bytes8, 4],
  ["\x8f", "EMPTY_SET", Arg.None, 4],
  ["\x90", "ADDITEMS", Arg.None, 4],
  ["\x91", "FROZENSET", Arg.None, 4],
  ["\x92", "NEWOBJ_EX", Arg.None, 4],
  ["\x93", "STACK_GLOBAL", Arg.None, 4],
  ["\x94", "MEMOIZE", Arg.None, 4],
  ["\x95", "FRAME", Arg.U8, 4],
  ["\x96", "BYTEARRAY8", Arg.Bytes8, 5],
  ["\x97", "NEXT_BUFFER", Arg.None, 5],
  ["\x98", "READONLY_BUFFER", Arg.None, 5],
];

/** Opcode info by byte value; undefined for bytes that are not opcodes. */
export const OPCODES: (OpcodeInfo | undefined)[] = new Array(256).fill(undefined);
for (const [ch, name, arg, proto] of table) {
  const code = ch.charCodeAt(0);
  OPCODES[code] = { code, name, arg, proto };
}

/** Opcode byte values by name, for the machine's switch. */
export const Op = Object.fromEntries(table.map(([ch, name]) => [name, ch.charCodeAt(0)])) as Record<string, number>;

/** The highest pickle protocol CPython understands. */
export const HIGHEST_PROTOCOL = 5;
