/**
 * A Hub model at one revision, made local: resolve the revision to a commit, list the commit's
 * files, fetch and verify every blob, link the snapshot tree, record the ref. The result is the
 * folder the Python client would have produced (`snapshots/<commit>/`), plus what the Hub said about
 * the repository and each file, which the provenance report uses.
 *
 * Offline (`HF_HUB_OFFLINE=1`, or `offline: true`), the revision is resolved through `refs/` and
 * the snapshot is taken as it is in the cache; nothing is verified against the Hub then, only
 * against the blob names (see `checks.ts`).
 */
import { stat } from "node:fs/promises";
import { VouchError } from "../core/errors.js";
import { relativeNameProblem } from "../walk/paths.js";
import { DEFAULT_RETRY, fetchBlob, type BlobOutcome, type RetryPolicy } from "./download.js";
import { hubSettings, type HubSettings } from "./hf-env.js";
import { CachedRepo } from "./hf-cache.js";
import { formatHfRef, isCommitId, type HfRef } from "./hf-ref.js";
import { HubClient } from "./hub-client.js";
import type { HubFile, RepoInfo } from "./hub-types.js";

export interface HubOptions {
  /** Endpoint, token, cache folder, offline mode; default: from the process environment. */
  settings?: HubSettings;
  /** Resolve from the cache only, whatever the settings say (`vouch scan --hf-cache`). */
  offline?: boolean;
  /** A client to reuse (its settings then win); default one built from `settings`. */
  client?: HubClient;
  retry?: RetryPolicy;
  /** Files fetched at once (default 4). */
  concurrency?: number;
  /** Told about each file as it is cached or downloaded. */
  onFile?(e: { path: string; outcome: BlobOutcome; done: number; total: number }): void;
}

/** A repository revision available on disk. */
export interface Snapshot {
  repoId: string;
  /** The revision asked for (`main` when none was given). */
  revision: string;
  /** The commit it resolved to. */
  commit: string;
  /** Absolute path of `snapshots/<commit>`: scan this. */
  dir: string;
  /** True when resolved from the cache alone; `info` and `files` are then absent. */
  offline: boolean;
  /** What the Hub says about the repository at this commit. */
  info?: RepoInfo;
  /** The commit's files as the Hub lists them, each verified against its published digest. */
  files?: HubFile[];
}

/** Resolves and downloads (or, offline, looks up) `ref` in the cache. */
export async function fetchSnapshot(ref: HfRef, options: HubOptions = {}): Promise<Snapshot> {
  const settings = options.client?.settings ?? options.settings ?? hubSettings();
  if (options.offline === true || settings.offline) return cachedSnapshot(ref, settings.cacheDir);
  const client = options.client ?? new HubClient(settings);
  const repo = new CachedRepo(settings.cacheDir, ref.repoId);
  const info = await client.repoInfo(ref.repoId, ref.revision);
  const files = await client.listFiles(ref.repoId, info.commit);
  await fetchAll(client, repo, info.commit, files, options);
  await repo.writeRef(ref.revision, info.commit);
  return { repoId: ref.repoId, revision: ref.revision, commit: info.commit, dir: repo.snapshotDir(info.commit), offline: false, info, files };
}

/** The snapshot of `ref` already in the cache, without the network. */
export async function cachedSnapshot(ref: HfRef, cacheDir: string): Promise<Snapshot> {
  const repo = new CachedRepo(cacheDir, ref.repoId);
  const commit = await repo.readRef(ref.revision);
  const dir = commit !== undefined ? repo.snapshotDir(commit) : undefined;
  if (commit === undefined || dir === undefined || !(await isDirectory(dir))) {
    throw new VouchError("E_HF_NOT_CACHED", `${formatHfRef(ref.repoId, ref.revision)} is not in the cache ${cacheDir}`, {
      hint: isCommitId(ref.revision)
        ? "Download it first (run without HF_HUB_OFFLINE), or point HF_HUB_CACHE at the cache that has it"
        : "Download it first, or name a revision the cache has (vouch scan --hf-cache lists them)",
    });
  }
  return { repoId: ref.repoId, revision: ref.revision, commit, dir, offline: true };
}

/** Fetches every file, a few at a time; the first failure stops the rest and is thrown. */
async function fetchAll(client: HubClient, repo: CachedRepo, commit: string, files: HubFile[], options: HubOptions): Promise<void> {
  for (const f of files) checkRepoPath(f.path);
  let next = 0;
  let done = 0;
  let failed = false;
  const worker = async () => {
    while (next < files.length && !failed) {
      const file = files[next++];
      try {
        const outcome = await fetchBlob(client, repo, commit, file, options.retry ?? DEFAULT_RETRY);
        await repo.linkSnapshotFile(commit, file.path, file.lfsSha256 ?? file.gitOid);
        options.onFile?.({ path: file.path, outcome, done: ++done, total: files.length });
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const n = Math.max(1, Math.min(options.concurrency ?? 4, files.length));
  const results = await Promise.allSettled(Array.from({ length: n }, worker));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (rejected) throw rejected.reason;
}

/** A path from the listing becomes a path on disk: it must stay inside the snapshot. */
function checkRepoPath(path: string): void {
  const problem = relativeNameProblem(path);
  if (problem !== undefined || path.endsWith("/")) {
    throw new VouchError("E_HF_RESPONSE", `the Hub listed a file path that ${problem ?? "ends with /"}: ${JSON.stringify(path)}`, {
      hint: "Check HF_ENDPOINT; the listing is refused rather than written outside the cache",
    });
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}
