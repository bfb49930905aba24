/**
 * Shared helpers for the safetensors tests: fixture paths, an in-memory file builder that mirrors
 * make_fixtures.py's `frame`, and a one-call handler run through makeTestContext.
 */
import { runHandler, type HandlerRun } from "../../support/context.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ByteSource } from "../../../src/core/source.js";
import { safetensorsHandler } from "../../../src/formats/safetensors/handler.js";
import type { TestContext } from "../../support/context.js";

export const FIXTURES = join(import.meta.dirname, "..", "..", "fixtures", "safetensors");

export function fixture(name: string): Uint8Array {
  return readFileSync(join(FIXTURES, name));
}

/** A safetensors file: 8-byte length, header (object serialised, or raw text) padded to 8, data. */
export function build(header: string | object, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const text = typeof header === "string" ? header : JSON.stringify(header);
  const body = Buffer.from(text + " ".repeat((8 - (Buffer.byteLength(text) % 8)) % 8));
  const out = Buffer.alloc(8 + body.length + data.length);
  out.writeBigUInt64LE(BigInt(body.length), 0);
  body.copy(out, 8);
  out.set(data, 8 + body.length);
  return out;
}

export type Run = HandlerRun;

/** Runs the handler on bytes (or a source), capturing a throw instead of propagating it. */
export function run(input: Uint8Array | ByteSource): Promise<Run> {
  return runHandler(safetensorsHandler, input);
}

/** Findings reduced to what tests compare: rule, severity, offset, message. */
export function brief(ctx: TestContext): [string, string, number | undefined, string][] {
  return ctx.findings.map((f) => [f.ruleId, f.severity, f.location.offset, f.message]);
}
