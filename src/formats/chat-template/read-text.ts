/**
 * Reading a whole text file under a size cap, front to back (so the orchestrator hashes the bytes as
 * they pass), and the content tests the text-based handlers share.
 */
import type { ByteSource } from "../../core/source.js";
import { textHandler } from "../text/handler.js";
import type { SniffInput } from "../types.js";

/**
 * The file's text, or undefined when it is longer than `cap` bytes (then reading stops there). Invalid
 * UTF-8 becomes U+FFFD, as Python's loaders would fail on it anyway; a leading BOM is dropped.
 */
export async function readTextCapped(source: ByteSource, cap: number, signal: AbortSignal): Promise<string | undefined> {
  if (source.sizeKnown !== false && source.size > cap) return undefined;
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of source.stream()) {
    if (signal.aborted) return undefined;
    total += chunk.length;
    if (total > cap) return undefined;
    chunks.push(chunk);
  }
  return new TextDecoder("utf-8", { ignoreBOM: false }).decode(Buffer.concat(chunks));
}

/** True when the head is text (UTF-8, no control bytes): asked of the plain text handler, whose test this wraps. */
export function isTextHead(input: SniffInput): boolean {
  return textHandler.sniff(input) > 0;
}

/** The index of the first byte at or after `from` that is not whitespace (nor the UTF-8 BOM opening the file); -1 when none. */
export function firstSignificant(head: Uint8Array, from = 0): number {
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  for (let i = from === 0 && bom ? 3 : from; i < head.length; i++) {
    const c = head[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
  }
  return -1;
}

/** `{` followed (after whitespace) by `"` or `}`: a JSON object, which the JSON handler takes. Jinja tags start `{{`, `{%`, `{#`. */
export function opensJsonObject(head: Uint8Array): boolean {
  const i = firstSignificant(head);
  if (i < 0 || head[i] !== 0x7b) return false;
  const j = firstSignificant(head, i + 1);
  return j < 0 || head[j] === 0x22 || head[j] === 0x7d;
}
