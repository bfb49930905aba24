/**
 * Getting one file's content into `blobs/` so that what lands there is exactly what the Hub
 * published: downloaded to `<blob>.incomplete`, resumed from its length after an interruption
 * (a `Range` request; a server that ignores it is read from the start), retried a few times, then
 * hashed and compared with the published digest before it is renamed into place. A mismatch is
 * never retried into place: the partial file is deleted and the download fails loudly.
 *
 * The official clients trust the transfer; a poisoned CDN or mirror would go unnoticed there.
 */
import { mkdir, open, rename, rm, stat, truncate } from "node:fs/promises";
import { VouchError } from "../core/errors.js";
import { digestKind, hashFileAs, type DigestKind } from "./digest.js";
import type { CachedRepo } from "./hf-cache.js";
import type { Download, HubClient } from "./hub-client.js";
import { isRetryable } from "./hub-errors.js";
import type { HubFile } from "./hub-types.js";

export interface RetryPolicy {
  /** Attempts after the first (default 3). */
  retries: number;
  /** Wait before the first retry, doubled each time (default 1 s). */
  backoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, backoffMs: 1000 };

/** What happened to one file. */
export type BlobOutcome = "cached" | "downloaded";

/** The name a file's blob has in the cache, and the hash its content must have: `name` itself. */
export function expectedBlob(file: HubFile): { name: string; kind: DigestKind } {
  const name = file.lfsSha256 ?? file.gitOid;
  const kind = digestKind(name);
  // A blob name becomes a file name: anything but a lower-case hex digest is refused, so a hostile
  // listing cannot write outside blobs/.
  if (kind === undefined || (file.lfsSha256 !== undefined && kind !== "sha256")) {
    throw new VouchError("E_HF_RESPONSE", `the Hub listed ${file.path} with an invalid digest ${JSON.stringify(name)}`, {
      hint: "Check HF_ENDPOINT; a Hub lists LFS files by sha256 and others by git blob id",
    });
  }
  return { name, kind };
}

/**
 * Makes `blobs/<name>` hold `file`'s verified content. An existing blob is re-hashed rather than
 * trusted: a cache anyone could write to is exactly where a swapped file would sit.
 */
export async function fetchBlob(
  client: HubClient,
  repo: CachedRepo,
  commit: string,
  file: HubFile,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<BlobOutcome> {
  const blob = expectedBlob(file);
  const target = repo.blobPath(blob.name);
  if (await exists(target)) {
    await verifyBlob(target, blob, file, "E_HF_CACHE_CORRUPT", "delete this blob so it is downloaded again, and find out what changed it");
    return "cached";
  }
  await mkdir(repo.blobPath(""), { recursive: true });
  const partial = repo.incompletePath(blob.name);
  const resumed = await exists(partial);
  await transferWithRetries(client, repo.repoId, commit, file, partial, policy);
  try {
    await verifyBlob(partial, blob, file, "E_HF_HASH_MISMATCH", MISMATCH_ADVICE, true);
  } catch (e) {
    // A partial file left by an earlier run (or another process) may be what was wrong: one clean
    // download from the start decides. A fresh download that mismatches is the server's doing.
    if (!resumed) throw e;
    await transferWithRetries(client, repo.repoId, commit, file, partial, policy);
    await verifyBlob(partial, blob, file, "E_HF_HASH_MISMATCH", MISMATCH_ADVICE, true);
  }
  await rename(partial, target);
  return "downloaded";
}

const MISMATCH_ADVICE = "do not use this model; retry later, and report it to the repository owner if it persists";

async function transferWithRetries(client: HubClient, repoId: string, commit: string, file: HubFile, partial: string, policy: RetryPolicy): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await transfer(client, repoId, commit, file, partial);
      return;
    } catch (e) {
      if (!isRetryable(e) || attempt >= policy.retries) throw e;
      await sleep(policy.backoffMs * 2 ** attempt);
    }
  }
}

/** One attempt: continue `partial` from its length up to the published size. */
async function transfer(client: HubClient, repoId: string, commit: string, file: HubFile, partial: string): Promise<void> {
  let have = (await stat(partial).catch(() => undefined))?.size ?? 0;
  if (have > file.size) {
    await truncate(partial, 0); // longer than the file can be: not a prefix of it
    have = 0;
  }
  if (have === file.size && file.size > 0) return;
  // One watch covers the whole attempt: a server that never answers, or stops sending, is abandoned.
  const controller = new AbortController();
  const idle = new IdleWatch(client.idleTimeoutMs, () => controller.abort());
  try {
    const dl = await client.download(repoId, commit, file.path, have, controller.signal);
    if (dl.commit !== undefined && dl.commit !== commit) {
      controller.abort();
      throw new VouchError("E_HF_RESPONSE", `asked for ${file.path} at ${commit} but the Hub served commit ${dl.commit}`, {
        hint: "Retry; a Hub must serve a commit's files from that commit",
      });
    }
    await writeBody(dl, file, partial, idle);
  } finally {
    idle.stop();
  }
}

/** Appends the body to `partial` (or rewrites it, when the server sent the whole file). */
async function writeBody(dl: Download, file: HubFile, partial: string, idle: IdleWatch): Promise<void> {
  const fh = await open(partial, dl.offset === 0 ? "w" : "a");
  let written = dl.offset;
  try {
    for await (const chunk of dl.body) {
      idle.poke();
      written += chunk.length;
      if (written > file.size) throw tooLong(file, partial);
      await fh.write(chunk);
    }
  } catch (e) {
    if (e instanceof VouchError && !isRetryable(e)) {
      await fh.close();
      await rm(partial, { force: true });
      throw e;
    }
    throw interrupted(file, written, e);
  } finally {
    await fh.close().catch(() => undefined);
  }
  if (written < file.size) throw interrupted(file, written);
}

/** Hashes `path` and compares it with the blob's name and the published size. */
async function verifyBlob(
  path: string,
  blob: { name: string; kind: DigestKind },
  file: HubFile,
  code: string,
  advice: string,
  removeOnMismatch = false,
): Promise<void> {
  const size = (await stat(path)).size;
  const actual = size === file.size ? await hashFileAs(path, blob.kind) : undefined;
  if (actual === blob.name) return;
  if (removeOnMismatch) await rm(path, { force: true });
  const got = actual === undefined ? `${size} bytes instead of ${file.size}` : `${blob.kind} ${actual}`;
  throw new VouchError(code, `${file.path}: content does not match the published ${blob.kind} ${blob.name} (got ${got})`, {
    file: path,
    hint: advice.charAt(0).toUpperCase() + advice.slice(1),
  });
}

function interrupted(file: HubFile, written: number, cause?: unknown): VouchError {
  return new VouchError("E_HF_INTERRUPTED", `the download of ${file.path} stopped after ${written} of ${file.size} bytes`, {
    ...(cause !== undefined ? { cause } : {}),
    hint: "Run the command again: the partial download is kept and resumed",
  });
}

function tooLong(file: HubFile, partial: string): VouchError {
  return new VouchError("E_HF_HASH_MISMATCH", `${file.path}: the server sent more than the published ${file.size} bytes`, {
    file: partial,
    hint: "Do not use this model; the content differs from what the Hub lists",
  });
}

/** Calls `onIdle` when `poke` has not been called for `ms`. */
class IdleWatch {
  private timer: NodeJS.Timeout;

  constructor(ms: number, onIdle: () => void) {
    this.timer = setTimeout(onIdle, ms);
  }

  poke(): void {
    this.timer.refresh();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
