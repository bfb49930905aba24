/**
 * Every format the audit reads, in one list: adding a lock-file kind is adding a folder and a line
 * here. The order only matters for reporting; a file is claimed by the first extractor that matches.
 */
import { condaExtractor } from "./conda/extractor.js";
import { distInfoExtractor } from "./dist-info/extractor.js";
import { npmLockExtractor } from "./npm-lock/extractor.js";
import { pdmLockExtractor } from "./pdm-lock/extractor.js";
import { pipfileLockExtractor } from "./pipfile-lock/extractor.js";
import { poetryLockExtractor } from "./poetry-lock/extractor.js";
import { pylockExtractor } from "./pylock/extractor.js";
import { pyprojectExtractor } from "./pyproject/extractor.js";
import { requirementsExtractor } from "./requirements/extractor.js";
import type { Extractor } from "./types.js";
import { uvLockExtractor } from "./uv-lock/extractor.js";

export const EXTRACTORS: readonly Extractor[] = [
  requirementsExtractor,
  pyprojectExtractor,
  poetryLockExtractor,
  uvLockExtractor,
  pdmLockExtractor,
  pipfileLockExtractor,
  pylockExtractor,
  condaExtractor,
  distInfoExtractor,
  npmLockExtractor,
];

/** The extractor for a POSIX path, or undefined. */
export function extractorFor(path: string): Extractor | undefined {
  return EXTRACTORS.find((e) => e.matches(path));
}

/** By id (`python/requirements`), for callers that know the format better than the file name does. */
export function extractorById(id: string): Extractor | undefined {
  return EXTRACTORS.find((e) => e.id === id);
}
