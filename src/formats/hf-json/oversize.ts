/**
 * JSON too large to parse (over MAX_JSON_BYTES) is still read once, front to back (the orchestrator
 * hashes those bytes anyway), looking only for the keys that matter: padding a tokenizer_config.json
 * past the limit must not turn an unchecked chat template into a mere note.
 */
import type { ByteSource } from "../../core/source.js";

/** The keys searched for, as they appear in JSON text (quoted, before a colon). */
const KEYS = ["chat_template", "auto_map"] as const;
export type WatchedKey = (typeof KEYS)[number];

/**
 * Which watched keys occur as `"key":` (whitespace allowed before the colon) anywhere in the stream.
 * A match may straddle two chunks, so each chunk is searched together with the previous chunk's tail.
 * Undefined when the scan ran out of time.
 */
export async function keysInStream(source: ByteSource, signal: AbortSignal): Promise<Set<WatchedKey> | undefined> {
  const found = new Set<WatchedKey>();
  const needles = KEYS.map((k) => ({ key: k, bytes: Buffer.from(`"${k}"`) }));
  const keep = Math.max(...needles.map((n) => n.bytes.length)) + 64; // a needle plus whitespace before its colon
  let tail = Buffer.alloc(0);
  for await (const chunk of source.stream()) {
    if (signal.aborted) return undefined;
    const window = Buffer.concat([tail, chunk]);
    for (const n of needles) if (!found.has(n.key) && hasKey(window, n.bytes)) found.add(n.key);
    if (found.size === KEYS.length) break;
    tail = window.subarray(Math.max(0, window.length - keep));
  }
  return found;
}

/** True when `needle` occurs followed (after JSON whitespace) by a colon. */
function hasKey(window: Buffer, needle: Buffer): boolean {
  for (let at = window.indexOf(needle); at >= 0; at = window.indexOf(needle, at + 1)) {
    let i = at + needle.length;
    while (i < window.length && (window[i] === 0x20 || window[i] === 0x0a || window[i] === 0x0d || window[i] === 0x09)) i++;
    if (window[i] === 0x3a) return true;
  }
  return false;
}
