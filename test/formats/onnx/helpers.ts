/** Shared helpers for the ONNX tests: fixture paths and a scan of one fixture through the handler. */
import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { FileSource } from "../../../src/core/source.js";
import { onnxHandler } from "../../../src/formats/onnx/handler.js";
import { makeTestContext, type TestContext } from "../../support/context.js";

export const FIXTURES = join(import.meta.dirname, "..", "..", "fixtures", "onnx");

export function fixturePath(rel: string): string {
  return join(FIXTURES, rel);
}

export function fixtureBytes(rel: string): Uint8Array {
  return readFileSync(fixturePath(rel));
}

/** A test context that knows the artifact's folder, as the orchestrator's does for a file on disk. */
export function contextFor(absPath: string): TestContext {
  const ctx = makeTestContext();
  return Object.assign(ctx, { artifactPath: basename(absPath), artifactDir: dirname(absPath) });
}

/** Scans a file on disk with the ONNX handler; returns the context (findings, metadata). */
export async function scanPath(absPath: string): Promise<TestContext> {
  const ctx = contextFor(absPath);
  const source = await FileSource.open(absPath);
  try {
    await onnxHandler.scan(source, ctx);
  } finally {
    await source.close();
  }
  return ctx;
}

/** [ruleId, severity] of each finding, in report order. */
export function rules(ctx: TestContext): [string, string][] {
  return ctx.findings.map((f) => [f.ruleId, f.severity]);
}
