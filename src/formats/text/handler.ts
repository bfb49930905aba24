/**
 * Plain text and JSON (configs, tokenizers, model cards). Recognised so that they are reported as what
 * they are rather than as unrecognised; the checks that concern their content (chat templates, remote
 * code) live with those formats. Lowest confidence: any binary format's magic wins.
 */
import type { FormatHandler, SniffInput } from "../types.js";

export const textHandler: FormatHandler = {
  id: "text",
  access: "random",
  sniff: ({ head, size }: SniffInput) => (size > 0 && isText(head) ? 5 : 0),
  async scan(source) {
    return textFormat(await source.read(0, 64));
  },
};

/** Refines `text` to `json` when the content starts like a JSON document. */
export function textFormat(head: Uint8Array): "json" | "text" {
  for (const c of head) {
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xef || c === 0xbb || c === 0xbf) continue;
    return c === 0x7b || c === 0x5b ? "json" : "text";
  }
  return "text";
}

/** UTF-8 without NUL or other control bytes (a cut multi-byte sequence at the end of the head is fine). */
function isText(head: Uint8Array): boolean {
  try {
    const cut = trailingPartial(head);
    new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, head.length - cut));
  } catch {
    return false;
  }
  for (const c of head) if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) return false;
  return true;
}

function trailingPartial(b: Uint8Array): number {
  for (let i = 1; i <= Math.min(3, b.length); i++) {
    const c = b[b.length - i];
    if ((c & 0xc0) === 0xc0) return i; // a lead byte whose continuation was cut off
    if ((c & 0xc0) !== 0x80) return 0;
  }
  return 0;
}
