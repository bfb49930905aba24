/**
 * The .npy handler: reads the header without evaluating it, derives the data size from dtype and
 * shape, and checks it against the bytes that follow. An object array's data is a pickle (np.load
 * unpickles it with allow_pickle=True), so it is scanned as a pickle member.
 *
 * One read pass: the header is taken from the source's stream and the data region continues that
 * same stream, counted or handed to the pickle scanner through a OnePassSource (which replays
 * from the source only if the pickle scanner reads its bytes twice).
 */
import { OnePassSource, type ByteSource } from "../../core/source.js";
import type { FormatHandler, ScanContext, SniffInput } from "../types.js";
import { StreamCursor } from "./cursor.js";
import { describeDtype, elementCount, type DtypeInfo } from "./dtype.js";
import { NPY_MAGIC, readNpyHeader, type NpyHeader } from "./header.js";

export const OBJECT_ARRAY_MEMBER = "<array pickle>";

export const npyHandler: FormatHandler = {
  id: "numpy-npy",
  access: "stream",
  sniff,
  scan,
};

function sniff({ head }: SniffInput): number {
  return NPY_MAGIC.every((b, i) => head[i] === b) ? 90 : 0;
}

async function scan(source: ByteSource, ctx: ScanContext): Promise<void> {
  const cursor = new StreamCursor(source.stream());
  const header = await readNpyHeader(cursor);
  const dtype = describeDtype(header.descr, header.dataOffset);
  const count = elementCount(header.shape, header.dataOffset);
  ctx.setMetadata("npy", npyMetadata(header, dtype, count));
  if (dtype.object) await scanPickledData(source, cursor, header, ctx);
  else await checkDataSize(cursor, header, count * dtype.itemsize, ctx);
}

function npyMetadata(header: NpyHeader, dtype: DtypeInfo, count: bigint): Record<string, unknown> {
  return {
    version: header.version,
    descr: pyToJson(header.descr),
    dtype: dtype.name,
    shape: pyToJson(header.shape),
    fortranOrder: header.fortranOrder,
    count: bigToJson(count),
    itemsize: bigToJson(dtype.itemsize),
    object: dtype.object,
  };
}

/** Streams through the data (so the whole file is read and hashed) and compares its length with the header's. */
async function checkDataSize(cursor: StreamCursor, header: NpyHeader, expected: bigint, ctx: ScanContext): Promise<void> {
  const actual = BigInt(await cursor.countRest());
  if (actual === expected) return;
  const what = actual < expected ? "is truncated" : "has bytes appended after the array";
  ctx.report({
    ruleId: "numpy/size-mismatch",
    message: `The array ${what}: its header calls for ${expected} data bytes, the file holds ${actual}.`,
    location: { offset: header.dataOffset + Number(actual < expected ? actual : expected) },
    evidence: `expected ${expected} bytes, found ${actual}`,
  });
}

async function scanPickledData(source: ByteSource, cursor: StreamCursor, header: NpyHeader, ctx: ScanContext): Promise<void> {
  ctx.report({
    ruleId: "numpy/object-array",
    message: "The array has dtype object: np.load(allow_pickle=True) unpickles its data.",
    location: { offset: header.dataOffset },
  });
  const size = source.sizeKnown === false ? undefined : Math.max(0, source.size - header.dataOffset);
  const data = new OnePassSource(size, cursor.rest(), () => source.stream(header.dataOffset));
  await ctx.scanMember(OBJECT_ARRAY_MEMBER, data, { format: "pickle" });
  await data.drain();
}

/** Header values as JSON: ints as numbers (strings past 2^53), tuples and lists as arrays. */
function pyToJson(v: NpyHeader["descr"]): unknown {
  switch (v.kind) {
    case "str":
    case "bool":
      return v.value;
    case "int":
      return bigToJson(v.value);
    case "none":
      return null;
    case "tuple":
    case "list":
      return v.items.map(pyToJson);
    case "dict":
      return Object.fromEntries(v.entries.map(([k, val]) => [String(pyToJson(k)), pyToJson(val)]));
  }
}

function bigToJson(n: bigint): number | string {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}
