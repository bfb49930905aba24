/**
 * One error type for the whole project: a stable machine-readable code, the file and byte offset where
 * it happened, and a hint saying what to do. Parsers throw it for malformed input; the scanner turns it
 * into a finding, the CLI into a message and exit code 2.
 */
export class VouchError extends Error {
  readonly code: string;
  readonly file?: string;
  readonly offset?: number;
  readonly hint?: string;

  constructor(code: string, message: string, opts: { file?: string; offset?: number; hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "VouchError";
    this.code = code;
    this.file = opts.file;
    this.offset = opts.offset;
    this.hint = opts.hint;
  }

  /** A one-line description with file and offset, for people. */
  describe(): string {
    const where = [this.file, this.offset !== undefined ? `offset ${this.offset}` : undefined].filter(Boolean).join(" at ");
    return `${this.code}: ${this.message}${where ? ` (${where})` : ""}${this.hint ? `. ${this.hint}` : ""}`;
  }
}

/** Malformed input: the bytes do not follow the format they claim. */
export function malformed(code: string, message: string, offset?: number, hint?: string): VouchError {
  return new VouchError(code, message, { offset, hint });
}

/** A resource budget ran out (size, depth, count, time). The scan fails closed on these. */
export class BudgetExceeded extends VouchError {
  constructor(what: string, limit: number | string, offset?: number) {
    super("E_BUDGET", `${what} exceeded the budget of ${limit}`, {
      offset,
      hint: "The file may be a bomb; raise the limit in vouch.yaml only if you trust its origin",
    });
    this.name = "BudgetExceeded";
  }
}
