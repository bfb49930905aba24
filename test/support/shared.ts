/**
 * Where the shared, read-only material is (`../shared` beside the repository: official schemas, the
 * OSV snapshot, the corpus). Undefined when absent: suites that need it skip visibly.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

const candidate = process.env.VOUCH_SHARED_DIR ?? resolve(import.meta.dirname, "..", "..", "..", "shared");

export const SHARED_DIR: string | undefined = existsSync(join(candidate, "corpus", "labels.tsv")) ? candidate : undefined;
