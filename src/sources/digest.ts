/**
 * The two content hashes the Hub publishes, and how to tell which one a name is. An LFS file is
 * identified by the SHA-256 of its content; every other file by its git blob id, the SHA-1 of
 * `blob <size>\0` followed by the content. (The `oid` of an LFS file in a listing is the git blob id
 * of its small pointer file, not a hash of the weights: the two must never be confused.)
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { VouchError } from "../core/errors.js";

/** Which hash a hex digest is, judged by its length; undefined for anything else. */
export type DigestKind = "sha256" | "git-sha1";

export function digestKind(hex: string): DigestKind | undefined {
  if (/^[0-9a-f]{64}$/.test(hex)) return "sha256";
  if (/^[0-9a-f]{40}$/.test(hex)) return "git-sha1";
  return undefined;
}

export interface FileDigests {
  size: number;
  sha256: string;
  /** The git blob id of the content. */
  gitSha1: string;
}

/**
 * Both digests of a file in one read pass. The git blob header needs the size before the content, so
 * the size comes from a stat first; a file that changes size meanwhile fails the count check.
 */
export async function digestFile(path: string): Promise<FileDigests> {
  const { size } = await stat(path);
  const sha256 = createHash("sha256");
  const sha1 = createHash("sha1").update(`blob ${size}\0`);
  let read = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    sha256.update(chunk);
    sha1.update(chunk);
    read += chunk.length;
  }
  if (read !== size) {
    throw new VouchError("E_CHANGED", `${path} changed size while it was hashed (${size} -> ${read} bytes)`, {
      file: path,
      hint: "Hash it again once nothing is writing to it",
    });
  }
  return { size, sha256: sha256.digest("hex"), gitSha1: sha1.digest("hex") };
}

/** The hash named by `kind`, of the file at `path`. */
export async function hashFileAs(path: string, kind: DigestKind): Promise<string> {
  if (kind === "git-sha1") return (await digestFile(path)).gitSha1;
  const sha256 = createHash("sha256");
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) sha256.update(chunk);
  return sha256.digest("hex");
}

/** `git hash-object` of some bytes. */
export function gitBlobId(content: Uint8Array): string {
  return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
}
