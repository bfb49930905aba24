/**
 * Recognising Python source. Python has no magic, so this is the one sniffer that looks at the name:
 * a text file named `.py` is claimed outright (the name breaks the tie with the plain-text handler,
 * it never decides safety: the file is analysed, not trusted). Without that name the content must
 * speak for itself: a Python shebang, or at least two lines that start the way only Python statements
 * start (`import x`, `from x import y`, `def f(`, `class C`). Markdown (fenced code blocks) and JSON
 * are kept out, and the scan confirms the claim with the parser before reporting anything.
 */
import type { SniffInput } from "../types.js";

/** Just above the text handler (5): Python source is text, and is that format when nothing more specific is. */
export const PYTHON_CONFIDENCE = 6;

const STATEMENT = /^(import [A-Za-z_][\w.]*(\s+as\s+\w+)?(\s*,\s*[A-Za-z_][\w.]*(\s+as\s+\w+)?)*\s*(#.*)?$|from \.*[\w.]* +import +[\w(*]|(async +)?def +[A-Za-z_]\w* *\(|class +[A-Za-z_]\w* *[(:])/;

export function sniffPython({ head, name, size }: SniffInput): number {
  if (size === 0 || !isText(head)) return 0;
  if (hasPythonName(name)) return PYTHON_CONFIDENCE;
  const text = Buffer.from(head).toString("utf8");
  if (/^\s*[{[]/.test(text) || /^(```|~~~)/m.test(text)) return 0; // JSON, or markdown with code blocks
  if (/^#![^\n]*python/.test(text)) return PYTHON_CONFIDENCE;
  return statementLines(text) >= 2 ? PYTHON_CONFIDENCE : 0;
}

export function hasPythonName(name: string): boolean {
  return /\.py[iw]?$/i.test(name);
}

/** Lines at column 0 that start like a Python statement no other text format starts lines with. */
export function statementLines(text: string): number {
  let n = 0;
  for (const line of text.split("\n")) if (STATEMENT.test(line.replace(/\r$/, ""))) n++;
  return n;
}

/** UTF-8 (a multi-byte sequence cut at the end of the head is fine) without NUL or other control bytes. */
function isText(head: Uint8Array): boolean {
  for (const c of head) if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) return false;
  let end = head.length;
  for (let i = 1; i <= Math.min(3, head.length); i++) {
    const c = head[head.length - i]!;
    if ((c & 0xc0) === 0xc0) {
      end = head.length - i; // a lead byte whose continuation the head cut off
      break;
    }
    if ((c & 0xc0) !== 0x80) break;
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}
