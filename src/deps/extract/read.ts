/**
 * Reading a manifest as text, TOML, JSON or YAML, with one error shape: a file that cannot be read
 * or parsed is an `ExtractProblem` for that file, and the audit goes on with the others.
 */
import { readFile } from "node:fs/promises";
import { parse as parseToml } from "smol-toml";
import { parse as parseYaml } from "yaml";
import type { ExtractProblem } from "../types.js";
import type { ExtractInput, ExtractResult } from "./types.js";

export class ExtractFailure extends Error {
  constructor(readonly problem: ExtractProblem) {
    super(problem.message);
  }
}

export async function readText(input: ExtractInput): Promise<string> {
  try {
    return (await readFile(input.file, "utf8")).replace(/^\uFEFF/, "");
  } catch (e) {
    throw new ExtractFailure({ code: "E_DEPS_READ", path: input.path, message: `cannot read ${input.path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, hint: "Check the file's permissions" });
  }
}

export async function readToml(input: ExtractInput): Promise<Record<string, unknown>> {
  const text = await readText(input);
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (e) {
    throw malformed(input, `is not valid TOML: ${firstLine(e)}`);
  }
}

export async function readJson(input: ExtractInput): Promise<unknown> {
  const text = await readText(input);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw malformed(input, `is not valid JSON: ${firstLine(e)}`);
  }
}

export async function readYaml(input: ExtractInput): Promise<unknown> {
  const text = await readText(input);
  try {
    // Failsafe: every scalar a string, so `numpy=1.10` or `- 1.20` keep their digits.
    return parseYaml(text, { schema: "failsafe", maxAliasCount: 100 });
  } catch (e) {
    throw malformed(input, `is not valid YAML: ${firstLine(e)}`);
  }
}

export function malformed(input: ExtractInput, what: string): ExtractFailure {
  return new ExtractFailure({ code: "E_DEPS_MALFORMED", path: input.path, message: `${input.path} ${what}`, hint: "Regenerate the file with the tool that owns it" });
}

/** Runs an extractor body; an `ExtractFailure` becomes the result's one problem. */
export async function guarded(input: ExtractInput, body: () => Promise<ExtractResult>): Promise<ExtractResult> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof ExtractFailure) return { packages: [], problems: [e.problem] };
    throw e;
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** The file name of a POSIX path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
