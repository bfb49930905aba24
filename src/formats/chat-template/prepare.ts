/**
 * Makes template text safe to hand to the lexer. @huggingface/jinja's lexer first runs the regex
 * `(\s*){%-?\s*(end)?generation...` over the whole template; on a long whitespace run that is not
 * followed by `{%` it backtracks from every position of the run, so its time grows with the square of
 * the run (100k spaces take seconds, 1 MiB takes hours). Runs longer than MAX_RUN are therefore
 * shortened before lexing. Whitespace length carries no meaning for the checks (names, strings and
 * structure are unchanged), and an offset map keeps reported positions in the original text.
 */

/** Longest whitespace run passed to the lexer: the regex then costs at most MAX_RUN steps per character. */
export const MAX_RUN = 128;

/** The same class as the lexer's `\s`, so every run that can slow its regex is caught. */
const LONG_RUN = new RegExp(`\\s{${MAX_RUN + 1},}`, "g");

export interface Prepared {
  /** The text given to the lexer. */
  text: string;
  /** Maps an offset in `text` back to the original template. */
  toOriginal(offset: number): number;
}

export function prepareForLexer(template: string): Prepared {
  /** Where each shortening happened in the prepared text, and how many characters were removed up to it. */
  const cuts: { at: number; removed: number }[] = [];
  let removed = 0;
  const text = template.replace(LONG_RUN, (run: string, offset: number) => {
    removed += run.length - MAX_RUN;
    cuts.push({ at: offset - (removed - (run.length - MAX_RUN)) + MAX_RUN, removed });
    return run.slice(0, MAX_RUN);
  });
  return { text, toOriginal: (offset) => offset + removedBefore(cuts, offset) };
}

/** Characters removed before a prepared-text offset (binary search over the cuts, in order). */
function removedBefore(cuts: readonly { at: number; removed: number }[], offset: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cuts[mid].at <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 0 : cuts[lo - 1].removed;
}
