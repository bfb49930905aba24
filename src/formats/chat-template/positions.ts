/**
 * Positions in template text. The Jinja lexer reports no offsets, so positions are recovered in two
 * steps: the lexer's tokens are matched back onto the text it read (they appear in order, separated
 * only by whitespace, comments and whitespace-control dashes), then offsets in that text are mapped
 * to the original template (which differs where long whitespace runs were shortened, see prepare.ts)
 * and turned into 1-based line and column.
 */

/** The shape of a lexer token (`Token` from @huggingface/jinja). */
export interface LexToken {
  value: string;
  type: string;
}

/**
 * The offset of each token in `text` (the exact string given to the lexer), or -1 from the first token
 * that could not be matched on (offsets after a mismatch would be guesses).
 */
export function tokenOffsets(text: string, tokens: readonly LexToken[]): number[] {
  const offsets: number[] = [];
  let cursor = 0;
  for (const t of tokens) {
    const at = cursor < 0 ? -1 : findToken(text, t, cursor);
    offsets.push(at);
    cursor = at < 0 ? -1 : endOfToken(text, t, at);
  }
  return offsets;
}

function findToken(text: string, t: LexToken, from: number): number {
  switch (t.type) {
    case "Comment":
      return text.indexOf("{#", from);
    case "StringLiteral":
      return nextQuote(text, from);
    default:
      // Text tokens may have lost trailing whitespace (`{%-`), which does not change where they start.
      return t.value.length === 0 ? -1 : text.indexOf(t.value, from);
  }
}

function endOfToken(text: string, t: LexToken, at: number): number {
  switch (t.type) {
    case "Comment": {
      const close = text.indexOf("#}", at + 2);
      return close < 0 ? -1 : close + 2;
    }
    case "StringLiteral":
      return closingQuote(text, at);
    default:
      return at + t.value.length;
  }
}

/**
 * The quote opening the next string literal. Only whitespace and whitespace-control dashes (`{{-`) lie
 * before it; scanning stops at anything else, so locating stays linear in the template's length.
 */
function nextQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"') return i;
    if (c !== "-" && !/\s/.test(c)) return -1;
  }
  return -1;
}

/** The offset after the quote that closes the literal opened at `open`; a backslash escapes the next character. */
function closingQuote(text: string, open: number): number {
  const q = text[open];
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === q) return i + 1;
  }
  return -1;
}

/** Line starts of a text, for offset -> line:column lookups by binary search. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }

  /** 1-based line and column (in UTF-16 code units) of an offset. */
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}
