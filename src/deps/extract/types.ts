/**
 * The interface every manifest and lock-file format implements: one folder per format under
 * `extract/`, listed once in `registry.ts`. The orchestrator knows formats only through this.
 */
import type { ExtractProblem, Package } from "../types.js";

export interface ExtractInput {
  /** Absolute path of the file. */
  file: string;
  /** The path reported in `PackageSource.path`: POSIX, relative to the audit target. */
  path: string;
}

export interface ExtractResult {
  packages: Package[];
  problems: ExtractProblem[];
  /** Other files the extractor read (requirements includes), reported paths. */
  alsoRead?: string[];
}

export interface Extractor {
  /** Stable id, `<ecosystem>/<format>` (`python/poetry-lock`). */
  id: string;
  /**
   * Whether the file at this POSIX path is one this extractor reads. Judged on the name (lock files
   * have fixed names; the content decides nothing that the name does not), so discovery never opens
   * files it will not use.
   */
  matches(path: string): boolean;
  extract(input: ExtractInput): Promise<ExtractResult>;
}
