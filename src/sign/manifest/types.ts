/**
 * The model manifest: every file (or file shard) of a model with its digest, and how it was made.
 * This is what a signature's in-toto statement carries (as the OMS predicate) and what verification
 * recomputes from the files on disk and compares. Field names follow the OMS predicate v1.0.
 */

/** Hash algorithms Vouch computes. `blake2b` is BLAKE2b-512, Python's `hashlib.blake2b()` default. */
export type HashType = "sha256" | "blake2b";

export const HASH_TYPES: readonly HashType[] = ["sha256", "blake2b"];

/** `model_signing`'s default shard size: 1e9 bytes (not 2^30). */
export const DEFAULT_SHARD_SIZE = 1_000_000_000;

/** How the manifest was built, recorded so a verifier can build it again the same way. */
export interface Serialization {
  /** `files`: one resource per file. `shards`: one resource per `shardSize` byte range of each file. */
  method: "files" | "shards";
  /** The hash of every resource. */
  hashType: HashType;
  /** Bytes per shard (the last shard of a file may be shorter). Only for `shards`. */
  shardSize?: number;
  /** Whether symlinks were read as their targets' content (else a symlink fails the walk). */
  allowSymlinks: boolean;
  /**
   * Model-relative paths left out of the manifest (with their subtrees): the git paths, the user's
   * ignore list, the signature file when it lies in the model. A verifier leaves them out again.
   * Sorted; empty when nothing was ignored.
   */
  ignorePaths: string[];
}

/** One entry of the manifest. */
export interface Resource {
  /** `files`: the model-relative POSIX path (`.` for a single-file model). `shards`: `path:start:end`. */
  name: string;
  /**
   * The algorithm name as recorded: `sha256` (or `blake2b`) for files; for shards Vouch writes
   * `sha256-sharded-<shardSize>` as `model_signing` does and accepts plain `sha256` when reading.
   */
  algorithm: string;
  /** Lower-case hex digest of the file or byte range. */
  digest: string;
  /** Bytes covered, when computed from disk (lock files record it). Not part of the signed statement. */
  size?: number;
}

export interface Manifest {
  /** The model's name: the last component of its path. Informative only; never verified. */
  modelName: string;
  serialization: Serialization;
  /** Sorted as `model_signing` sorts them: by path segments, then shard start (numerically). */
  resources: Resource[];
}

/** The resource algorithm name `model_signing` writes for a serialization. */
export function resourceAlgorithm(s: Serialization): string {
  return s.method === "shards" ? `${s.hashType}-sharded-${s.shardSize ?? DEFAULT_SHARD_SIZE}` : s.hashType;
}
