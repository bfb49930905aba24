/**
 * A wire-level protobuf walker over a ByteSource. It never holds more than one window of the file: a
 * message is a span of offsets, its fields are yielded one at a time, and a length-delimited field the
 * caller does not descend into (an ONNX tensor's `raw_data`, a TensorFlow `Const` value) is skipped by
 * offset without being read. A 2 GB ONNX model is therefore walked with a few reads of 64 KiB.
 *
 * Hostile input is expected: every length is checked against the enclosing message before it is used,
 * varints are capped at 10 bytes, nesting is capped, and the abort signal is checked as fields go by.
 */
import { malformed } from "../../core/errors.js";
import type { ByteSource } from "../../core/source.js";
import { WIRE, decodeFixed, decodeVarint, splitTag, type WireType } from "./wire.js";

/** Bytes fetched per positioned read: small enough to hold, large enough that sequential fields rarely refetch. */
const WINDOW = 64 * 1024;

/** Default nesting cap: real model schemas nest a dozen levels (If inside Loop inside Scan adds three each). */
export const DEFAULT_MAX_DEPTH = 64;

/** Fields between two looks at the abort signal. */
const SIGNAL_EVERY = 4096;

/** A message: the byte range its fields occupy, and how deep it is nested (the top-level message is 0). */
export interface Span {
  readonly start: number;
  readonly end: number;
  readonly depth: number;
}

/** One field as it appears on the wire. */
export interface Field {
  /** Field number. */
  readonly no: number;
  readonly wire: WireType;
  /** Offset of the field's tag. */
  readonly at: number;
  /** Offsets of the value: for length-delimited fields the payload, else the encoded number. */
  readonly start: number;
  readonly end: number;
  /** The number carried by varint, 64-bit and 32-bit fields (unsigned); 0n for length-delimited ones. */
  readonly value: bigint;
  /** Nesting depth of the message this field belongs to. */
  readonly depth: number;
}

export interface ProtoReaderOptions {
  /** Deepest message nesting allowed (the top-level message is depth 0). */
  maxDepth?: number;
  signal?: AbortSignal;
}

export class ProtoReader {
  private window: Uint8Array = new Uint8Array(0);
  private windowStart = 0;
  private fieldsSeen = 0;
  readonly maxDepth: number;
  private readonly signal?: AbortSignal;

  constructor(private readonly source: ByteSource, opts: ProtoReaderOptions = {}) {
    this.maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.signal = opts.signal;
  }

  /** The whole source as the top-level message. */
  root(): Span {
    return { start: 0, end: this.source.size, depth: 0 };
  }

  /** The payload of a length-delimited field as a nested message, one level deeper. */
  message(f: Field): Span {
    if (f.wire !== WIRE.len) {
      throw malformed("E_PROTOBUF_WIRETYPE", `field ${f.no} should hold a message but has wire type ${f.wire}`, f.at,
        "The file does not follow the schema of the format it claims");
    }
    const depth = f.depth + 1;
    if (depth > this.maxDepth) {
      throw malformed("E_PROTOBUF_DEPTH", `messages nest deeper than ${this.maxDepth} levels`, f.at,
        "Real models never nest this deep; the file is crafted to exhaust parsers");
    }
    return { start: f.start, end: f.end, depth };
  }

  /** The fields of a message, in file order. Skipped payloads are never read. */
  async *fields(span: Span): AsyncGenerator<Field> {
    let pos = span.start;
    while (pos < span.end) {
      if (++this.fieldsSeen % SIGNAL_EVERY === 0) this.signal?.throwIfAborted();
      const f = await this.fieldAt(pos, span);
      yield f;
      pos = f.end;
    }
  }

  /** Reads the field whose tag starts at `pos`, checking that it ends within `span`. */
  private async fieldAt(pos: number, span: Span): Promise<Field> {
    const tag = await this.varintAt(pos, span.end);
    const { field, wire } = splitTag(tag.value, pos);
    switch (wire) {
      case WIRE.varint: {
        const v = await this.varintAt(tag.next, span.end);
        return { no: field, wire, at: pos, start: tag.next, end: v.next, value: v.value, depth: span.depth };
      }
      case WIRE.i64:
      case WIRE.i32: {
        const width = wire === WIRE.i64 ? 8 : 4;
        this.checkFits(pos, tag.next, width, span, field);
        const bytes = await this.bytesAt(tag.next, width);
        return { no: field, wire, at: pos, start: tag.next, end: tag.next + width, value: decodeFixed(bytes, 0, width), depth: span.depth };
      }
      case WIRE.len: {
        const len = await this.varintAt(tag.next, span.end);
        if (len.value > BigInt(span.end - len.next)) throw this.overrun(pos, field, len.value, span.end - len.next);
        const n = Number(len.value);
        return { no: field, wire, at: pos, start: len.next, end: len.next + n, value: 0n, depth: span.depth };
      }
    }
  }

  /** Throws unless `width` bytes at `start` lie inside the span. */
  private checkFits(at: number, start: number, width: number, span: Span, field: number): void {
    if (start + width > span.end) throw this.overrun(at, field, BigInt(width), span.end - start);
  }

  private overrun(at: number, field: number, declared: bigint, room: number) {
    return malformed("E_PROTOBUF_LENGTH", `field ${field} declares ${declared} bytes but only ${room} remain in its message`, at,
      "A length runs past its enclosing message: the file is truncated or crafted");
  }

  /** Decodes a varint at `pos` that must end before `limit`. */
  private async varintAt(pos: number, limit: number): Promise<{ value: bigint; next: number }> {
    const want = Math.min(10, limit - pos);
    const bytes = await this.bytesAt(pos, want);
    const v = decodeVarint(bytes, 0, bytes.length, pos);
    if (!v) {
      throw malformed("E_PROTOBUF_TRUNCATED", "a varint is cut off by the end of its message", pos,
        "The file is truncated or a length field is wrong");
    }
    return { value: v.value, next: pos + v.next };
  }

  /**
   * Exactly `n` bytes at `pos` (a view into the window when they fit in it). Callers ask only for bytes
   * inside a span already checked against the source size, so a short read means the file shrank.
   */
  async bytesAt(pos: number, n: number): Promise<Uint8Array> {
    const off = pos - this.windowStart;
    if (off >= 0 && off + n <= this.window.length) return this.window.subarray(off, off + n);
    if (n > WINDOW) return this.exactly(pos, n, await this.source.read(pos, n));
    this.window = this.exactly(pos, n, await this.source.read(pos, WINDOW));
    this.windowStart = pos;
    return this.window.subarray(0, n);
  }

  private exactly(pos: number, n: number, got: Uint8Array): Uint8Array {
    if (got.length < n) {
      throw malformed("E_PROTOBUF_TRUNCATED", `expected ${n} bytes at offset ${pos}, the file ends after ${got.length}`, pos,
        "The file is truncated or changed while it was scanned");
    }
    return got;
  }

  /**
   * The payload of a length-delimited field as text (UTF-8, invalid sequences replaced), at most `max`
   * bytes of it; a longer payload is cut and marked with `…`, so callers never hold more than `max`.
   */
  async string(f: Field, max = 4096): Promise<string> {
    const len = f.end - f.start;
    const bytes = await this.bytesAt(f.start, Math.min(len, max));
    const text = new TextDecoder("utf-8").decode(bytes);
    return len > max ? `${text}…` : text;
  }

  /** The payload of a length-delimited field as bytes, when it is at most `max` bytes long; else undefined. */
  async bytes(f: Field, max: number): Promise<Uint8Array | undefined> {
    const len = f.end - f.start;
    return len <= max ? Uint8Array.from(await this.bytesAt(f.start, len)) : undefined;
  }

  /**
   * The values of a repeated varint field: one value for an unpacked occurrence, all of them for a
   * packed one. At most `max` values are decoded; `more` says whether the payload held more.
   */
  async varints(f: Field, max: number): Promise<{ values: bigint[]; more: boolean }> {
    if (f.wire === WIRE.varint) return { values: [f.value], more: false };
    if (f.wire !== WIRE.len) {
      throw malformed("E_PROTOBUF_WIRETYPE", `field ${f.no} should hold varints but has wire type ${f.wire}`, f.at,
        "The file does not follow the schema of the format it claims");
    }
    const values: bigint[] = [];
    let pos = f.start;
    while (pos < f.end && values.length < max) {
      const v = await this.varintAt(pos, f.end);
      values.push(v.value);
      pos = v.next;
    }
    return { values, more: pos < f.end };
  }
}
