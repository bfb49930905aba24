/**
 * Shared helpers for the GGUF tests: fixture paths, a one-call handler run through makeTestContext,
 * and a source that records every read (to prove the handler reads in bounded chunks and never
 * touches tensor data).
 */
import { runHandler, type HandlerRun } from "../../support/context.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { VouchError } from "../../../src/core/errors.js";
import { BufferSource, type ByteSource } from "../../../src/core/source.js";
import { ggufHandler } from "../../../src/formats/gguf/handler.js";
import type { TestContext } from "../../support/context.js";

export const FIXTURES = join(import.meta.dirname, "..", "..", "fixtures", "gguf");

export function fixture(name: string): Uint8Array {
  return readFileSync(join(FIXTURES, name));
}

export type Run = HandlerRun;

/** Runs the handler on bytes (or a source), capturing a throw instead of propagating it. */
export function run(input: Uint8Array | ByteSource): Promise<Run> {
  return runHandler(ggufHandler, input);
}

/** Findings reduced to what tests compare: rule, severity, offset, evidence. */
export function brief(ctx: TestContext): [string, string, number | undefined, string | undefined][] {
  return ctx.findings.map((f) => [f.ruleId, f.severity, f.location.offset, f.evidence]);
}

/** The code and offset of the VouchError a run threw. */
export function thrown(error: unknown): [string, number | undefined] {
  if (!(error instanceof VouchError)) throw new Error(`expected a VouchError, got ${String(error)}`);
  return [error.code, error.offset];
}

/** A source over bytes that records each positioned read as [offset, length]. */
export class RecordingSource implements ByteSource {
  readonly reads: [number, number][] = [];
  private readonly inner: BufferSource;

  constructor(bytes: Uint8Array, readonly size = bytes.length) {
    this.inner = new BufferSource(bytes);
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    this.reads.push([offset, length]);
    return this.inner.read(offset, length);
  }

  stream(start?: number, end?: number): AsyncIterable<Uint8Array> {
    throw new Error(`stream(${start}, ${end}) called on a random-access handler`);
  }
}
