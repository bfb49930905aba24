/**
 * The legacy .lzma format ("LZMA alone", what `lzma.compress(format=FORMAT_ALONE)` and joblib's
 * `compress='lzma'` write): a 13-byte header (properties, dictionary size, uncompressed size or
 * all ones when unknown) and one range-coded stream, ended by its size or by an end marker.
 */
import { corrupt, unsupported } from "../errors.js";
import type { DecodeFacts } from "../format.js";
import type { ByteInput } from "../input.js";
import { LzmaDecoder, MAX_SYMBOL_INPUT, decodeProperties, type LzmaProperties } from "./lzma-decoder.js";
import { OutWindow } from "./window.js";

export const ALONE_HEADER = 13;
/** Compressed bytes buffered ahead while decoding, far more than one symbol needs. */
const READ_AHEAD = 64 * 1024;

export interface AloneHeader {
  props: LzmaProperties;
  dictSize: number;
  /** Uncompressed size, undefined when the stream ends with an end marker instead. */
  size?: number;
}

/** Parses the header; undefined when the bytes cannot be one (used by sniffing too). */
export function parseAloneHeader(h: Uint8Array): AloneHeader | undefined {
  if (h.length < ALONE_HEADER) return undefined;
  const props = decodeProperties(h[0]!);
  if (!props) return undefined;
  const view = new DataView(h.buffer, h.byteOffset, ALONE_HEADER);
  const dictSize = view.getUint32(1, true);
  const size = view.getBigUint64(5, true);
  if (size === 0xffffffffffffffffn) return { props, dictSize };
  return { props, dictSize, size: size > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(size) };
}

export async function* decodeAlone(input: ByteInput, facts: DecodeFacts): AsyncGenerator<Uint8Array> {
  await input.require(ALONE_HEADER, "the .lzma header");
  const at = input.offset;
  const header = parseAloneHeader(input.take(ALONE_HEADER));
  if (!header) throw corrupt("lzma", at, "invalid properties byte");
  if (header.size === Number.POSITIVE_INFINITY) throw unsupported("lzma", at + 5, "an uncompressed size above 2^53 bytes");
  facts.dictionarySize = header.dictSize;
  if (header.size !== undefined) facts.declaredSize = header.size;

  const window = new OutWindow(Math.max(header.dictSize, 4096), "lzma");
  const lzma = new LzmaDecoder(input, window);
  lzma.setProperties(header.props);
  lzma.resetState();
  await input.require(5, "the range coder start");
  lzma.rc.init();
  yield* decodeSymbols(input, lzma, header.size);
}

/** The symbol loop: until the declared size is reached with a flushed coder, or the end marker. */
async function* decodeSymbols(input: ByteInput, lzma: LzmaDecoder, size: number | undefined): AsyncGenerator<Uint8Array> {
  const window = lzma.window;
  let left = size ?? Number.POSITIVE_INFINITY;
  for (;;) {
    if (left === 0 && lzma.rc.finishedOk) break;
    if (input.available < MAX_SYMBOL_INPUT) await input.fill(READ_AHEAD);
    let n: number;
    try {
      n = lzma.decodeSymbol(left);
    } catch (e) {
      window.flush();
      yield* window.ready.splice(0);
      throw e;
    }
    if (n < 0) {
      if (size !== undefined && left !== 0) throw corrupt("lzma", input.offset, `end marker after ${size - left} of ${size} declared bytes`);
      break;
    }
    left -= n;
    if (window.ready.length > 0) yield* window.ready.splice(0);
  }
  window.flush();
  yield* window.ready.splice(0);
}
