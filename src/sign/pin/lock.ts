/**
 * `vouch.lock`: a model pinned by hash, for teams that cannot get signed models. It records where
 * the model came from (the target as given and, when known, the exact revision) and every file's
 * SHA-256 and size; `digest` is the model identity computed from those files, the same value
 * `vouch digest` prints. Stable JSON: keys in a fixed order, files sorted, no timestamps, so a lock
 * only changes in a diff when the model does. Schema: schemas/vouch-lock.schema.json.
 */
import { VouchError } from "../../core/errors.js";
import { comparePaths, relativeNameProblem } from "../../walk/index.js";
import { VerificationFailure } from "../errors.js";
import { rootDigest } from "../manifest/root-digest.js";

export const LOCK_VERSION = 1;

export interface LockedFile {
  /** Model-relative POSIX path (`.` when the model is a single file). */
  path: string;
  /** Lower-case hex SHA-256 of the content. */
  sha256: string;
  size: number;
}

export interface Lock {
  lockVersion: typeof LOCK_VERSION;
  /** The target as given to `vouch pin` (a path, or `hf://org/name@rev`). */
  target: string;
  /** The exact revision (a git commit id) when one is known, else absent. */
  revision?: string;
  /** `sha256:<root>` over the files, as `vouch digest`. */
  digest: string;
  /** Whether symlinks were read as their targets (needed for Hugging Face cache snapshots). */
  allowSymlinks: boolean;
  /** Model-relative paths left out besides the default git paths. */
  ignorePaths: string[];
  /** Every file, sorted by path. */
  files: LockedFile[];
}

export function lockDigest(files: readonly LockedFile[]): string {
  return `sha256:${rootDigest(files.map((f) => ({ name: f.path, algorithm: "sha256", digest: f.sha256 })))}`;
}

export function encodeLock(lock: Lock): string {
  const ordered = {
    lockVersion: lock.lockVersion,
    target: lock.target,
    ...(lock.revision !== undefined ? { revision: lock.revision } : {}),
    digest: lock.digest,
    allowSymlinks: lock.allowSymlinks,
    ignorePaths: lock.ignorePaths,
    files: [...lock.files].sort((a, b) => comparePaths(a.path, b.path)).map((f) => ({ path: f.path, sha256: f.sha256, size: f.size })),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** Parses and checks a lock file; an edited or inconsistent lock fails verification. */
export function decodeLock(text: string, source: string): Lock {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw bad(source, text.trim() === "" ? "it is empty" : "it is not JSON");
  }
  if (typeof json !== "object" || json === null) throw bad(source, "it is not an object");
  const o = json as Record<string, unknown>;
  if (o.lockVersion !== LOCK_VERSION) {
    throw new VouchError("E_LOCK_VERSION", `${source} has lockVersion ${JSON.stringify(o.lockVersion)}; this Vouch reads version ${LOCK_VERSION}`, {
      file: source,
      hint: "Re-create the lock with `vouch pin`",
    });
  }
  if (typeof o.target !== "string" || typeof o.digest !== "string" || typeof o.allowSymlinks !== "boolean") throw bad(source, "target, digest or allowSymlinks is missing");
  if (o.revision !== undefined && typeof o.revision !== "string") throw bad(source, "revision is not a string");
  if (!Array.isArray(o.ignorePaths) || !o.ignorePaths.every((p) => typeof p === "string" && relativeNameProblem(p) === undefined)) throw bad(source, "ignorePaths is not a list of model-relative paths");
  if (!Array.isArray(o.files)) throw bad(source, "files is not a list");
  const files = o.files.map((f, i): LockedFile => {
    const e = f as Record<string, unknown>;
    const pathOk = typeof e.path === "string" && (e.path === "." || relativeNameProblem(e.path) === undefined);
    if (!pathOk || typeof e.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(e.sha256) || !Number.isSafeInteger(e.size)) {
      throw bad(source, `files[${i}] needs a model-relative path, a hex sha256 and a size`);
    }
    return { path: e.path as string, sha256: e.sha256, size: e.size as number };
  });
  const lock: Lock = { lockVersion: LOCK_VERSION, target: o.target, ...(o.revision !== undefined ? { revision: o.revision as string } : {}), digest: o.digest, allowSymlinks: o.allowSymlinks, ignorePaths: o.ignorePaths as string[], files };
  const sorted = [...files].sort((a, b) => comparePaths(a.path, b.path));
  if (lockDigest(sorted) !== lock.digest) throw bad(source, `its digest ${lock.digest} does not match its files (${lockDigest(sorted)}): it was edited by hand`);
  return lock;
}

function bad(source: string, why: string): VerificationFailure {
  return new VerificationFailure("E_LOCK_MALFORMED", `the lock file ${source} is malformed: ${why}`, {
    file: source,
    hint: "Re-create it with `vouch pin TARGET > vouch.lock` from a copy of the model you trust",
  });
}
