/**
 * zlib streams (RFC 1950): a 2-byte header, deflate data and an Adler-32, as written by
 * `joblib.dump(compress=N)` and `zlib.compress`. Also joblib's pre-0.10 "Z-file": `ZF`, the
 * decompressed length as a hex string left-justified in a fixed-width field (19 characters, 20 from
 * Python 2 joblib <= 0.8.4 which wrote one more space), then the zlib stream. The length field is
 * checked against what the stream decompresses to, as joblib does.
 */
import type { SniffInput } from "../types.js";
import { corrupt } from "./errors.js";
import type { CompressionFormat, DecodeFacts } from "./format.js";
import type { ByteInput } from "./input.js";
import { inflate } from "./node-inflate.js";

/** `ZF` plus the width of `'{:#x}'.format(2**64)`, the length field joblib reserves. */
const ZFILE_HEADER = 2 + 19;
const ZFILE_FIELD = /^(?:0x)?([0-9a-fA-F]{1,16})L? *$/;

export const zlibFormat: CompressionFormat = {
  id: "zlib",
  suffixes: [[".zlib", ""], [".zz", ""], [".z", ""]],
  sniff,
  decode,
};

/**
 * The zlib header is only two bytes with a 1-in-31 check, so plain zlib sniffs low, highest for the
 * 0x78 (32 KiB window) that every common writer uses. The Z-file prefix is distinctive.
 */
function sniff({ head }: SniffInput): number {
  if (zfileLength(head) !== undefined) return 80;
  if (!isZlibHeader(head, 0)) return 0;
  return head[0] === 0x78 ? 40 : 20;
}

/** CM = 8 (deflate), CINFO <= 7 (window <= 32 KiB), and the header as a 16-bit number divisible by 31. */
function isZlibHeader(b: Uint8Array, at: number): boolean {
  if (b.length < at + 2) return false;
  const cmf = b[at]!;
  const flg = b[at + 1]!;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0;
}

/** The declared length of a Z-file header at the start of `head`, or undefined when it is not one. */
function zfileLength(head: Uint8Array): number | undefined {
  if (head.length < ZFILE_HEADER + 2 || head[0] !== 0x5a || head[1] !== 0x46) return undefined;
  const m = ZFILE_FIELD.exec(Buffer.from(head.subarray(2, ZFILE_HEADER)).toString("latin1"));
  if (!m) return undefined;
  const dataAt = head[ZFILE_HEADER] === 0x20 ? ZFILE_HEADER + 1 : ZFILE_HEADER;
  return isZlibHeader(head, dataAt) ? parseInt(m[1]!, 16) : undefined;
}

async function* decode(input: ByteInput, facts: DecodeFacts): AsyncGenerator<Uint8Array> {
  const declared = await readZfileHeader(input);
  if (declared !== undefined) facts.joblibZfile = { declaredLength: declared };
  let size = 0;
  for await (const chunk of inflate(input, "zlib", "zlib")) {
    size += chunk.length;
    yield chunk;
  }
  if (declared !== undefined && declared !== size) {
    throw corrupt("zlib", input.offset, `joblib Z-file header declares ${declared} bytes but the stream holds ${size}`);
  }
}

/** Consumes a Z-file header when there is one and returns its declared length. */
async function readZfileHeader(input: ByteInput): Promise<number | undefined> {
  await input.fill(ZFILE_HEADER + 3);
  const declared = zfileLength(input.buf.subarray(input.pos, input.end));
  if (declared === undefined) return undefined;
  input.take(input.peek(ZFILE_HEADER) === 0x20 ? ZFILE_HEADER + 1 : ZFILE_HEADER);
  return declared;
}
