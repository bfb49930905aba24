/**
 * The GGUF header, metadata (key/value) section and tensor infos, read in file order. Versions 1-3
 * differ only in width: version 1 stores counts and lengths as uint32, later versions as uint64. Byte
 * order follows the file: a big-endian file's version reads as 0x0N000000 in little-endian.
 *
 * What the parser reads lands in a GgufContents as it is read, so a file that breaks part-way still
 * shows what came before the break; string values are skipped unless a caller wants them, and chat
 * templates go to a callback the moment they are read.
 */
import { BudgetExceeded, malformed } from "../../core/errors.js";
import type { ByteSource } from "../../core/source.js";
import { Cursor } from "./cursor.js";
import { FIXED_SIZE, isValueType, ValueType } from "./ggml-types.js";

export const MAGIC = [0x47, 0x47, 0x55, 0x46]; // "GGUF"
export const SUPPORTED_VERSIONS = [1, 2, 3];

export interface GgufLimits {
  /** Metadata entries. Real files have tens to a few hundred. */
  maxKv: number;
  /** Tensor infos. Large mixture-of-experts models have tens of thousands. */
  maxTensors: number;
  /** Elements of one array value (vocabularies run to a few hundred thousand tokens and merges). */
  maxArrayElements: number;
  /** Array-in-array nesting. */
  maxNesting: number;
  /** Variable-size values visited in total (strings and nested arrays), the work bound of the metadata walk. */
  maxValues: number;
  /** Bytes of a key or tensor name. */
  maxNameBytes: number;
  /** Bytes of a wanted string value kept in memory (longer ones are measured, not read). */
  maxStringBytes: number;
}

export const DEFAULT_LIMITS: GgufLimits = {
  maxKv: 1 << 20,
  maxTensors: 1 << 20,
  maxArrayElements: 1 << 24,
  maxNesting: 8,
  maxValues: 1 << 24,
  maxNameBytes: 1 << 16,
  maxStringBytes: 3 << 20,
};

export interface GgufHeader {
  version: number;
  littleEndian: boolean;
  tensorCount: number;
  kvCount: number;
}

/** A string value: its text when it was wanted and small enough, else only where it is and how long. */
export interface StringValue {
  kind: "string";
  text?: string;
  /** Byte offset of the string's first byte in the file. */
  offset: number;
  byteLength: number;
}

export interface ArrayValue {
  kind: "array";
  elementType: number;
  length: number;
}

export type KvValue = number | bigint | boolean | StringValue | ArrayValue;

export interface KvEntry {
  /** GGUF value type (ValueType). */
  type: number;
  value: KvValue;
  /** Byte offset of the entry (its key) in the file. */
  offset: number;
}

export interface TensorInfo {
  name: string;
  /** Byte offset of this tensor info in the file (where findings about it point). */
  at: number;
  dims: bigint[];
  type: number;
  /** Offset of the tensor's data from the start of the data section. */
  offset: bigint;
}

export interface DuplicateName {
  kind: "key" | "tensor";
  name: string;
  offset: number;
}

/** Everything read so far; complete when `infoEnd` is set. */
export class GgufContents {
  header?: GgufHeader;
  /** Metadata in file order; for a repeated key, the first value (what llama.cpp's lookups return). */
  readonly kv = new Map<string, KvEntry>();
  readonly tensors: TensorInfo[] = [];
  readonly duplicates: DuplicateName[] = [];
  /** Offset just past the last tensor info: where alignment padding and then the data section start. */
  infoEnd?: number;
}

export interface GgufCallbacks {
  /** Bytes of this key's string value to keep (0: skip it). */
  wantString(key: string): number;
  /** Called as each wanted string is read, before the rest of the file is parsed. */
  onString?(key: string, value: StringValue): void;
  /** Checked in long loops; when aborted the parse stops with a budget error. */
  signal?: AbortSignal;
}

const MIN_KV_BYTES = 13; // empty key (8-byte length) + type (4) + smallest value (1)
const MIN_TENSOR_INFO_BYTES = 24; // empty name (8) + n_dims (4) + type (4) + offset (8)

export async function parseGguf(source: ByteSource, size: number, contents: GgufContents, cb: GgufCallbacks, limits: GgufLimits = DEFAULT_LIMITS): Promise<void> {
  const p = new Parser(new Cursor(source, size), contents, cb, limits);
  await p.header();
  await p.metadata();
  await p.tensorInfos();
}

class Parser {
  private wide = true;
  private values = 0;

  constructor(private readonly cur: Cursor, private readonly out: GgufContents, private readonly cb: GgufCallbacks, private readonly lim: GgufLimits) {}

  async header(): Promise<void> {
    const magic = await this.cur.bytes(4);
    if (!MAGIC.every((b, i) => magic[i] === b)) throw malformed("E_GGUF_MAGIC", "The file does not start with the GGUF magic", 0);
    const version = await this.version();
    this.wide = version >= 2;
    const tensorCount = await this.count(() => "tensor count", this.lim.maxTensors, MIN_TENSOR_INFO_BYTES);
    const kvCount = await this.count(() => "metadata entry count", this.lim.maxKv, MIN_KV_BYTES);
    this.out.header = { version, littleEndian: this.cur.littleEndian, tensorCount, kvCount };
  }

  /** The version, switching to big-endian when the file is (its version then reads as 0x0N000000). */
  private async version(): Promise<number> {
    const at = this.cur.pos;
    let v = await this.cur.u32();
    if ((v & 0xffff) === 0 && v !== 0) {
      const swapped = ((v >>> 24) | ((v >>> 8) & 0xff00)) >>> 0;
      if (SUPPORTED_VERSIONS.includes(swapped)) {
        this.cur.littleEndian = false;
        v = swapped;
      }
    }
    if (!SUPPORTED_VERSIONS.includes(v)) {
      throw malformed("E_GGUF_VERSION", `Unsupported GGUF version ${v}`, at, `Vouch reads GGUF versions ${SUPPORTED_VERSIONS.join(", ")}; no loader reads this file`);
    }
    return v;
  }

  /**
   * A count or length field (uint32 in v1, uint64 later), checked against a cap and against what the
   * remaining bytes can hold at `minBytes` per item, before anything is allocated for it. `what` is
   * a function so that the message is only built for a failure (arrays hold millions of lengths).
   */
  private async count(what: () => string, cap: number, minBytes: number): Promise<number> {
    const at = this.cur.pos;
    const n = this.cur.lengthSync(this.wide) ?? (await this.cur.length(this.wide));
    return this.checkCount(n, at, what, cap, minBytes);
  }

  private checkCount(n: number, at: number, what: () => string, cap: number, minBytes: number): number {
    if (n > Math.floor(this.cur.remaining() / minBytes)) {
      throw malformed("E_GGUF_COUNT", `The ${what()} ${BigInt(n)} cannot fit in the ${this.cur.remaining()} bytes that remain`, at,
        "The field is corrupt or hostile; a loader that trusts it allocates or loops without bound");
    }
    if (n > cap) throw new BudgetExceeded(`The ${what()} (${n})`, cap, at);
    return n;
  }

  async metadata(): Promise<void> {
    const n = this.out.header?.kvCount ?? 0;
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) {
      if ((i & 0xfff) === 0) this.checkSignal();
      const keyAt = this.cur.pos;
      const key = await this.name("metadata key");
      const type = await this.cur.u32();
      const value = await this.value(type, key, 0, this.cur.pos - 4);
      if (seen.has(key)) this.out.duplicates.push({ kind: "key", name: key, offset: keyAt });
      else {
        seen.add(key);
        this.out.kv.set(key, { type, value, offset: keyAt });
      }
    }
  }

  async tensorInfos(): Promise<void> {
    const n = this.out.header?.tensorCount ?? 0;
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) {
      this.checkSignal();
      const at = this.cur.pos;
      const name = await this.name("tensor name");
      const nDimsAt = this.cur.pos;
      const nDims = await this.cur.u32();
      if (nDims > MAX_DIMS) {
        throw malformed("E_GGUF_DIMS", `Tensor ${JSON.stringify(name)} has ${nDims} dimensions (at most ${MAX_DIMS})`, nDimsAt,
          "ggml tensors have at most 4 dimensions; the tensor info is corrupt");
      }
      const dims: bigint[] = [];
      for (let d = 0; d < nDims; d++) dims.push(this.wide ? await this.cur.u64() : BigInt(await this.cur.u32()));
      const type = await this.cur.u32();
      const offset = await this.cur.u64();
      if (seen.has(name)) this.out.duplicates.push({ kind: "tensor", name, offset: at });
      seen.add(name);
      this.out.tensors.push({ name, at, dims, type, offset });
    }
    this.out.infoEnd = this.cur.pos;
  }

  /** A key or tensor name: a GGUF string read in full, up to the name cap. */
  private async name(what: string): Promise<string> {
    const len = await this.count(() => `${what} length`, this.lim.maxNameBytes, 1);
    return decode(await this.cur.bytes(len));
  }

  private async value(type: number, key: string, depth: number, typeAt: number): Promise<KvValue> {
    const fixed = FIXED_SIZE[type];
    if (fixed !== undefined) return this.cur.scalar(scalarKind(type), fixed) as Promise<number | bigint | boolean>;
    if (type === ValueType.STRING) return this.string(key);
    if (type === ValueType.ARRAY) return this.array(key, depth);
    throw malformed("E_GGUF_VALUE_TYPE", `Metadata ${JSON.stringify(key)} has unknown value type ${type}`, typeAt,
      "GGUF value types are 0-12; the metadata section is corrupt");
  }

  private async string(key: string): Promise<StringValue> {
    this.countValue();
    const len = await this.count(() => `length of the string in ${JSON.stringify(key)}`, Number.MAX_SAFE_INTEGER, 1);
    const value: StringValue = { kind: "string", offset: this.cur.pos, byteLength: len };
    const keep = this.cb.wantString(key);
    if (keep > 0 && len <= keep) {
      value.text = decode(await this.cur.bytes(len));
      this.cb.onString?.(key, value);
    } else {
      this.cur.skip(len);
      if (keep > 0) this.cb.onString?.(key, value);
    }
    return value;
  }

  private async array(key: string, depth: number): Promise<ArrayValue> {
    const typeAt = this.cur.pos;
    if (depth + 1 > this.lim.maxNesting) throw new BudgetExceeded(`Array nesting in ${JSON.stringify(key)}`, this.lim.maxNesting, typeAt);
    const elementType = await this.cur.u32();
    if (!isValueType(elementType)) {
      throw malformed("E_GGUF_VALUE_TYPE", `Array ${JSON.stringify(key)} has unknown element type ${elementType}`, typeAt,
        "GGUF value types are 0-12; the metadata section is corrupt");
    }
    const length = await this.count(() => `length of array ${JSON.stringify(key)}`, this.lim.maxArrayElements, this.minElementBytes(elementType));
    const fixed = FIXED_SIZE[elementType];
    if (fixed !== undefined) this.cur.skip(length * fixed);
    else if (elementType === ValueType.STRING) await this.skipStrings(length, key);
    else {
      for (let i = 0; i < length; i++) {
        this.countValue();
        await this.array(key, depth + 1);
      }
    }
    return { kind: "array", elementType, length };
  }

  /**
   * Moves past `n` strings of an array (vocabularies, merges): each length is checked, no text is read.
   * The loop awaits only when the buffer runs dry, so a few hundred thousand tokens take milliseconds.
   */
  private async skipStrings(n: number, key: string): Promise<void> {
    const what = () => `length of a string in ${JSON.stringify(key)}`;
    for (let i = 0; i < n; i++) {
      this.countValue();
      const at = this.cur.pos;
      const len = this.cur.lengthSync(this.wide) ?? (await this.cur.length(this.wide));
      this.cur.skip(this.checkCount(len, at, what, Number.MAX_SAFE_INTEGER, 1));
    }
  }

  private minElementBytes(type: number): number {
    const lengthBytes = this.wide ? 8 : 4;
    if (type === ValueType.STRING) return lengthBytes;
    if (type === ValueType.ARRAY) return 4 + lengthBytes;
    return FIXED_SIZE[type];
  }

  private countValue(): void {
    if (++this.values > this.lim.maxValues) throw new BudgetExceeded("Metadata values", this.lim.maxValues, this.cur.pos);
    if ((this.values & 0xffff) === 0) this.checkSignal();
  }

  private checkSignal(): void {
    if (this.cb.signal?.aborted) throw new BudgetExceeded("Time spent reading the GGUF header", "budgets.artifactSeconds", this.cur.pos);
  }
}

/** ggml tensors have up to 4 dimensions (GGML_MAX_DIMS); more than 8 cannot be a real tensor. */
export const MAX_DIMS = 8;

function scalarKind(type: number): "u" | "i" | "f" | "bool" {
  switch (type) {
    case ValueType.BOOL:
      return "bool";
    case ValueType.FLOAT32:
    case ValueType.FLOAT64:
      return "f";
    case ValueType.INT8:
    case ValueType.INT16:
    case ValueType.INT32:
    case ValueType.INT64:
      return "i";
    default:
      return "u";
  }
}

const UTF8 = new TextDecoder("utf-8");

function decode(bytes: Uint8Array): string {
  return UTF8.decode(bytes);
}
