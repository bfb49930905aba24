/**
 * LZMA2 (the payload of xz blocks): a sequence of chunks, each either stored bytes or an LZMA chunk of
 * at most 2 MiB decoded from at most 64 KiB compressed, with control bits that reset the dictionary,
 * the coder state or the properties. A chunk is buffered whole and decoded synchronously.
 * Control byte semantics and the reset rules follow the xz file format specification.
 */
import { corrupt } from "../errors.js";
import type { ByteInput } from "../input.js";
import { LzmaDecoder, decodeProperties, type LzmaProperties } from "./lzma-decoder.js";
import type { OutWindow } from "./window.js";

const END = 0x00;
const STORED_WITH_DICT_RESET = 0x01;
const STORED = 0x02;
const LZMA_FIRST = 0x80;
const LZMA_STATE_RESET = 0xa0;
const LZMA_NEW_PROPS = 0xc0;
const LZMA_DICT_RESET = 0xe0;

/** Decodes one LZMA2 stream into `window`, yielding the decoded bytes; stops after the end chunk. */
export async function* decodeLzma2(input: ByteInput, window: OutWindow): AsyncGenerator<Uint8Array> {
  const lzma = new LzmaDecoder(input, window);
  let needDictReset = true;
  let needProps = true;
  for (;;) {
    await input.require(1, "an LZMA2 chunk header");
    const at = input.offset;
    const control = input.byte();
    if (control === END) break;
    if (control >= LZMA_DICT_RESET || control === STORED_WITH_DICT_RESET) {
      window.reset();
      needDictReset = false;
      needProps = true;
    } else if (needDictReset) {
      throw corrupt(input.format, at, "the first LZMA2 chunk does not reset the dictionary");
    }
    if (control >= LZMA_FIRST) {
      const chunk = await readChunkHeader(input, control, at);
      needProps = applyResets(lzma, control, chunk, needProps, input.format, at);
      yield* decodeLzmaChunk(input, lzma, chunk, at);
    } else if (control === STORED || control === STORED_WITH_DICT_RESET) {
      await input.require(2, "an LZMA2 chunk header");
      const size = ((input.byte() << 8) | input.byte()) + 1;
      await input.require(size, "a stored LZMA2 chunk");
      window.putBytes(input.take(size));
    } else {
      throw corrupt(input.format, at, `invalid LZMA2 control byte 0x${control.toString(16)}`);
    }
    yield* window.ready.splice(0);
  }
  window.flush();
  yield* window.ready.splice(0);
}

interface LzmaChunkHeader {
  unpacked: number;
  packed: number;
  props?: LzmaProperties;
}

/** The sizes (and, with new properties, the properties byte) after an LZMA chunk's control byte. */
async function readChunkHeader(input: ByteInput, control: number, at: number): Promise<LzmaChunkHeader> {
  const withProps = control >= LZMA_NEW_PROPS;
  await input.require(withProps ? 5 : 4, "an LZMA2 chunk header");
  const unpacked = (control & 0x1f) * 65536 + ((input.byte() << 8) | input.byte()) + 1;
  const packed = ((input.byte() << 8) | input.byte()) + 1;
  if (!withProps) return { unpacked, packed };
  const props = decodeProperties(input.byte());
  if (!props || props.lc + props.lp > 4) throw corrupt(input.format, at + 5, "invalid LZMA2 properties");
  return { unpacked, packed, props };
}

/** Applies the chunk's property and state resets; returns whether properties are still needed. */
function applyResets(lzma: LzmaDecoder, control: number, chunk: LzmaChunkHeader, needProps: boolean, format: string, at: number): boolean {
  if (chunk.props) {
    lzma.setProperties(chunk.props);
    lzma.resetState();
    return false;
  }
  if (needProps) throw corrupt(format, at, "an LZMA2 chunk without properties after a dictionary reset");
  if (control >= LZMA_STATE_RESET) lzma.resetState();
  return false;
}

/** Decodes one LZMA chunk: exactly its declared compressed and uncompressed sizes, ending with a flushed coder. */
async function* decodeLzmaChunk(input: ByteInput, lzma: LzmaDecoder, chunk: LzmaChunkHeader, at: number): AsyncGenerator<Uint8Array> {
  await input.require(chunk.packed, "an LZMA2 chunk");
  const start = input.offset;
  try {
    lzma.rc.init();
    for (let left = chunk.unpacked; left > 0; ) {
      const n = lzma.decodeSymbol(left);
      if (n < 0) throw corrupt(input.format, input.offset, "an end marker inside an LZMA2 chunk");
      left -= n;
    }
  } catch (e) {
    lzma.window.flush();
    yield* lzma.window.ready.splice(0);
    throw e;
  }
  if (input.offset - start !== chunk.packed || !lzma.rc.finishedOk) {
    throw corrupt(input.format, at, `LZMA2 chunk does not end at its declared compressed size (${chunk.packed} bytes)`);
  }
}
