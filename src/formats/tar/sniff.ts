/**
 * Recognising a tar archive from its first header block. POSIX (`ustar\0` + `00`) and GNU (`ustar  \0`)
 * archives carry a magic at offset 257; old v7 archives carry none, so for them the header checksum is
 * the only evidence: 512 bytes summing to the octal number stored in them do not happen by accident.
 */
import type { SniffInput } from "../types.js";

export const BLOCK = 512;
const MAGIC_OFFSET = 257;
const CHECKSUM_OFFSET = 148;
const CHECKSUM_LENGTH = 8;
const SIZE_OFFSET = 124;
const SIZE_LENGTH = 12;

/** Confidence levels: a magic plus a matching checksum is certain; either alone is good evidence. */
const CONFIDENCE = { ustarChecked: 90, ustar: 50, v7: 40 } as const;

export function sniffTar({ head }: SniffInput): number {
  if (head.length < MAGIC_OFFSET + 6) return 0;
  const magic = Buffer.from(head.subarray(MAGIC_OFFSET, MAGIC_OFFSET + 6)).toString("latin1");
  const ustar = magic === "ustar\0" || magic === "ustar ";
  if (ustar) return head.length >= BLOCK && checksumMatches(head) ? CONFIDENCE.ustarChecked : CONFIDENCE.ustar;
  if (head.length < BLOCK || head[0] === 0) return 0;
  return checksumMatches(head) && sizeFieldIsOctal(head) ? CONFIDENCE.v7 : 0;
}

/**
 * The header checksum: the byte sum of the block with the checksum field read as spaces. Some old
 * tars summed signed chars, so that variant is accepted too (as tar implementations do).
 */
export function checksumMatches(block: Uint8Array): boolean {
  const stored = parseOctal(block.subarray(CHECKSUM_OFFSET, CHECKSUM_OFFSET + CHECKSUM_LENGTH));
  if (stored === undefined) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= CHECKSUM_OFFSET && i < CHECKSUM_OFFSET + CHECKSUM_LENGTH ? 0x20 : block[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  // an all-zero block sums to 256 with an empty (0) field: it is the end marker, not a header
  return stored !== 0 && (stored === unsigned || stored === signed);
}

/** v7 size fields are octal digits padded with spaces or NULs; anything else means this is not a header. */
function sizeFieldIsOctal(block: Uint8Array): boolean {
  return parseOctal(block.subarray(SIZE_OFFSET, SIZE_OFFSET + SIZE_LENGTH)) !== undefined;
}

/** An octal field (leading spaces, digits, then NUL/space padding), or undefined when it is not one. */
function parseOctal(field: Uint8Array): number | undefined {
  const text = Buffer.from(field).toString("latin1");
  const m = /^ *([0-7]+)[ \0]*$/.exec(text);
  return m ? parseInt(m[1]!, 8) : undefined;
}
