/**
 * The Hugging Face cache layout, as the Python client documents and writes it
 * (https://huggingface.co/docs/huggingface_hub/guides/manage-cache):
 *
 * ```
 * <cache>/models--org--name/
 *   refs/<revision>            the commit a branch or tag pointed to when last resolved (no newline)
 *   blobs/<etag>               file content, named by its sha256 (LFS files) or git blob id (others)
 *   blobs/<etag>.incomplete    a download in progress; resumed from its length
 *   snapshots/<commit>/<path>  relative symlinks into ../../blobs, one tree per commit
 * ```
 *
 * Blob names double as integrity checks: the content of `blobs/<name>` must hash to `<name>`.
 */
import { lstat, mkdir, readdir, readFile, readlink, realpath, rename, rm, stat, symlink, copyFile, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { VouchError } from "../core/errors.js";
import { comparePaths } from "../walk/paths.js";
import { isCommitId } from "./hf-ref.js";

/** `models--org--name`: the folder of one repository (the Python client's `repo_folder_name`). */
export function repoFolderName(repoId: string, kind: "model" | "dataset" = "model"): string {
  return [`${kind}s`, ...repoId.split("/")].join("--");
}

/** One repository's folder in a cache (a model's unless `kind` says otherwise). */
export class CachedRepo {
  readonly dir: string;

  constructor(readonly cacheDir: string, readonly repoId: string, kind: "model" | "dataset" = "model") {
    this.dir = join(cacheDir, repoFolderName(repoId, kind));
  }

  blobPath(name: string): string {
    return join(this.dir, "blobs", name);
  }

  incompletePath(name: string): string {
    return `${this.blobPath(name)}.incomplete`;
  }

  snapshotDir(commit: string): string {
    return join(this.dir, "snapshots", commit);
  }

  /** Where a repository file appears in a snapshot; `path` is a validated model-relative name. */
  snapshotFile(commit: string, path: string): string {
    return join(this.snapshotDir(commit), ...path.split("/"));
  }

  /** The commit `revision` resolved to when it was last downloaded, or undefined. */
  async readRef(revision: string): Promise<string | undefined> {
    if (isCommitId(revision)) return revision;
    const text = await readFile(this.refPath(revision), "utf8").catch(() => undefined);
    const commit = text?.trim();
    return commit !== undefined && isCommitId(commit) ? commit : undefined;
  }

  async writeRef(revision: string, commit: string): Promise<void> {
    // Always create refs/: @huggingface/hub's scanCacheDir rejects a repository folder without it.
    await mkdir(join(this.dir, "refs"), { recursive: true });
    if (revision === commit) return;
    const file = this.refPath(revision);
    await mkdir(dirname(file), { recursive: true });
    // Written aside and renamed, so a reader never sees half a commit id.
    await writeFile(`${file}.tmp`, commit);
    await rename(`${file}.tmp`, file);
  }

  /**
   * Points `snapshots/<commit>/<path>` at `blobs/<blobName>` with a relative link, replacing a wrong
   * one. Where symlinks are not allowed (Windows without developer mode) the blob is copied, as the
   * Python client does.
   */
  async linkSnapshotFile(commit: string, path: string, blobName: string): Promise<void> {
    const link = this.snapshotFile(commit, path);
    const target = relative(dirname(link), this.blobPath(blobName));
    if ((await readlink(link).catch(() => undefined)) === target) return;
    await mkdir(dirname(link), { recursive: true });
    await rm(link, { force: true });
    try {
      await symlink(target, link);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EPERM") throw e;
      await copyFile(this.blobPath(blobName), link);
    }
  }

  private refPath(revision: string): string {
    return join(this.dir, "refs", ...revision.split("/"));
  }
}

/** One revision of a model present in a cache. */
export interface CachedRevision {
  repoId: string;
  /** The 40-hex commit: the snapshot folder's name. */
  commit: string;
  /** Branches and tags (`refs/...` names) that last resolved to this commit, sorted. */
  refs: string[];
  /** Absolute path of `snapshots/<commit>`. */
  snapshotDir: string;
}

export interface CacheListing {
  revisions: CachedRevision[];
  /** Things that do not follow the layout (stray folders, refs to missing snapshots), for warnings. */
  problems: string[];
}

/**
 * Every model revision in a cache, sorted by repo id then commit. A missing cache is an error (the
 * user asked to scan it); stray entries are listed as problems, never silently dropped.
 */
export async function listCachedRevisions(cacheDir: string): Promise<CacheListing> {
  const entries = await readdir(cacheDir).catch((e: NodeJS.ErrnoException) => {
    throw new VouchError("E_HF_CACHE", `cannot read the Hugging Face cache ${cacheDir} (${e.code ?? e.message})`, {
      file: cacheDir,
      hint: "Set HF_HUB_CACHE or HF_HOME to the cache folder, or download a model first",
    });
  });
  const revisions: CachedRevision[] = [];
  const problems: string[] = [];
  for (const name of entries.sort()) {
    if (!name.startsWith("models--")) continue; // datasets, spaces, .locks, version files
    const repoId = name.slice("models--".length).split("--").join("/");
    const repo = new CachedRepo(cacheDir, repoId);
    const refs = await readRefs(join(repo.dir, "refs"));
    const commits = (await readdir(join(repo.dir, "snapshots")).catch(() => [] as string[])).sort();
    for (const commit of commits) {
      if (!isCommitId(commit) || !(await isDirectory(repo.snapshotDir(commit)))) {
        problems.push(`${name}/snapshots/${commit} is not a commit snapshot folder`);
        continue;
      }
      const names = [...refs].filter(([, c]) => c === commit).map(([r]) => r).sort(comparePaths);
      revisions.push({ repoId, commit, refs: names, snapshotDir: repo.snapshotDir(commit) });
    }
    for (const [ref, commit] of refs) {
      if (!commits.includes(commit)) problems.push(`${name}/refs/${ref} points to ${commit}, which has no snapshot`);
    }
  }
  return { revisions, problems };
}

/** `refs/` read recursively (`refs/pr/1` is a nested file), as ref name -> commit. */
async function readRefs(dir: string, prefix = ""): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const abs = join(dir, name);
    const ref = prefix ? `${prefix}/${name}` : name;
    if (await isDirectory(abs)) {
      for (const [r, c] of await readRefs(abs, ref)) out.set(r, c);
    } else {
      const commit = (await readFile(abs, "utf8").catch(() => "")).trim();
      if (isCommitId(commit)) out.set(ref, commit);
    }
  }
  return out;
}

/** Where a path inside a cache snapshot comes from. */
export interface SnapshotLocation {
  cacheDir: string;
  repoId: string;
  commit: string;
  /** The snapshot folder (`.../snapshots/<commit>`). */
  snapshotDir: string;
}

/**
 * Recognises a path inside `<cache>/models--org--name/snapshots/<commit>/`, so a snapshot given as a
 * plain path is still known by its repo and commit. Undefined for anything else.
 */
export function snapshotLocation(path: string): SnapshotLocation | undefined {
  const parts = resolve(path).split(sep);
  for (let i = parts.length - 2; i >= 1; i--) {
    if (parts[i] !== "snapshots" || !isCommitId(parts[i + 1] ?? "")) continue;
    const folder = parts[i - 1];
    if (!folder.startsWith("models--")) continue;
    return {
      cacheDir: parts.slice(0, i - 1).join(sep) || sep,
      repoId: folder.slice("models--".length).split("--").join("/"),
      commit: parts[i + 1],
      snapshotDir: parts.slice(0, i + 2).join(sep),
    };
  }
  return undefined;
}

/**
 * The blob a snapshot file resolves to, when it is a link into its repository's `blobs/` folder:
 * the blob's name is then the digest its content must have. Undefined for anything else (a copied
 * file, a link elsewhere).
 */
export async function blobNameOf(file: string): Promise<{ name: string; path: string } | undefined> {
  const link = await lstat(file).catch(() => undefined);
  if (!link?.isSymbolicLink()) return undefined;
  const real = await realpath(file).catch(() => undefined);
  if (real === undefined || basename(dirname(real)) !== "blobs") return undefined;
  return { name: basename(real), path: real };
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}
