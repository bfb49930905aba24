/** Running the Python handler on a string or a fixture, under a chosen file name, in a test context. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { BufferSource } from "../../../src/core/source.js";
import { pythonHandler } from "../../../src/formats/python/handler.js";
import { makeTestContext, type TestContext } from "../../support/context.js";

export const FIXTURES = fileURLToPath(new URL("../../fixtures/python/", import.meta.url));

export function fixtureText(name: string): string {
  return readFileSync(FIXTURES + name, "utf8");
}

export interface PythonRun {
  format: string | undefined;
  ctx: TestContext;
  /** [rule, severity, line, column] per finding, in report order. */
  found: [string, string, number | undefined, number | undefined][];
}

/** Scans `source` as the artifact `name` (the name only matters for claiming files by their `.py` suffix). */
export async function runPython(source: string | Uint8Array, name = "module.py"): Promise<PythonRun> {
  const ctx = makeTestContext();
  Object.assign(ctx, { artifactPath: name });
  const bytes = typeof source === "string" ? Buffer.from(source) : source;
  const format = (await pythonHandler.scan(new BufferSource(bytes), ctx)) ?? undefined;
  return { format, ctx, found: ctx.findings.map((f) => [f.ruleId, f.severity, f.location.line, f.location.column]) };
}
