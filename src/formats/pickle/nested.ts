/**
 * Pickles hidden inside strings: a model file may carry a second pickle as a bytes value (raw), as
 * base64 or hex text, or (protocol 2) as a str whose code points are the pickle's bytes, waiting for
 * some later `pickle.loads`. These helpers recognise such payloads cheaply from their first bytes and
 * decode them; the caller scans what they return as a speculative pickle.
 */

const MIN_NESTED = 6; // PROTO n + one opcode + STOP is already 4 bytes; shorter strings cannot carry a call

/** True when the first bytes could start a pickle, or an encoding of one (worth collecting). */
export function mightHoldPickle(head: Uint8Array, isText: boolean): boolean {
  if (head.length < 2) return false;
  if (head[0] === 0x80 && head[1] <= 5) return true;
  if (head[0] === 0x63 || (head[0] === 0x28 && head[1] === 0x63)) return true; // protocol 0, checked in full later
  // base64 of 0x80 0x0N starts "gA"; hex starts "80"
  if (head[0] === 0x67 && head[1] === 0x41) return true;
  if (head[0] === 0x38 && head[1] === 0x30) return true;
  // a str holding latin-1 bytes: U+0080 is C2 80 in UTF-8
  if (isText && head[0] === 0xc2 && head[1] === 0x80) return true;
  return false;
}

function isRawPickleStart(b: Uint8Array): boolean {
  if (b[0] === 0x80 && b[1] <= 5) return true;
  // protocol 0/1: GLOBAL "c<module>\n<name>\n", possibly after a MARK
  const g = b[0] === 0x28 ? 1 : 0;
  return b[g] === 0x63 && isDottedNameLine(b, g + 1);
}

/** A `module.path\n` line, as GLOBAL writes it (so `class Foo(nn.Module):` source text does not count). */
function isDottedNameLine(b: Uint8Array, start: number): boolean {
  const end = Math.min(b.length, start + 256);
  for (let i = start; i < end; i++) {
    const c = b[i];
    if (c === 0x0a) return i > start;
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x2e || (i > start && c >= 0x30 && c <= 0x39);
    if (!ok) return false;
  }
  return false;
}

export interface NestedCandidate {
  encoding: "raw" | "base64" | "hex" | "latin1";
  bytes: Uint8Array;
}

/** Decodes a string argument that holds a pickle, or returns undefined. Bounded by the input size. */
export function extractNested(data: Uint8Array, isText: boolean): NestedCandidate | undefined {
  if (data.length < MIN_NESTED || !mightHoldPickle(data, isText)) return undefined;
  if (isRawPickleStart(data)) return { encoding: "raw", bytes: data };
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (data[0] === 0x67) {
    const s = text.toString("latin1").replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return undefined;
    const dec = Buffer.from(s, "base64");
    return isRawPickleStart(dec) && dec.length >= MIN_NESTED ? { encoding: "base64", bytes: dec } : undefined;
  }
  if (data[0] === 0x38) {
    const s = text.toString("latin1").trim();
    if (s.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(s)) return undefined;
    const dec = Buffer.from(s, "hex");
    return isRawPickleStart(dec) && dec.length >= MIN_NESTED ? { encoding: "hex", bytes: dec } : undefined;
  }
  if (isText) {
    const s = text.toString("utf8");
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) return undefined;
      out[i] = c;
    }
    return isRawPickleStart(out) ? { encoding: "latin1", bytes: out } : undefined;
  }
  return undefined;
}
