/**
 * The one file walker. Scan, digest, BOM and signing all enumerate a model through `walkModel`, so
 * they agree on which files make up the model and what each is called. The rules follow the OpenSSF
 * `model_signing` tool (sigstore/model-transparency), so a manifest Vouch builds lists the same
 * files under the same names as one that tool builds:
 *
 * - regular files only, directories walked recursively, names POSIX and relative to the root;
 * - any symlink is an error unless symlinks are allowed; an allowed link to a file is read as its
 *   target's content under the link's own name (Hugging Face snapshots are links into `../../blobs`);
 * - `.git`, `.gitattributes`, `.github` and `.gitignore` at the model root are ignored by default;
 * - an ignored path removes that file or that whole subtree; ignores are lexical (on names, not targets);
 * - a single file as the model is the whole model, and no ignore applies to it.
 *
 * Deliberate differences from `model_signing`, each for a stated reason:
 * - By default an allowed symlink to a directory is followed (model_signing's `glob("**")` lists
 *   the link but never descends, so it silently drops the subtree; a scan must not miss files).
 *   Cycles are cut: a directory already on the current path is skipped and reported through
 *   `onSkip`. Signing and digests pass `followDirectorySymlinks: false` to list exactly the files
 *   `model_signing` lists: the linked directory is then skipped and reported through `onSkip`.
 * - Sockets, FIFOs and devices are skipped through `onSkip` instead of failing the whole walk. They
 *   are never opened: opening a FIFO blocks until a writer appears.
 * - A single-file model is named by its base name, which is what a scan report shows; the manifest
 *   identifier `model_signing` uses for it is `.`, which `manifestName` gives.
 * - An empty result is returned as `[]`; the signer decides whether an empty model is an error.
 */
import { lstat, readdir, realpath, stat } from "node:fs/promises";
import type { BigIntStats } from "node:fs";
import { basename, join, resolve } from "node:path";
import { VouchError } from "../core/errors.js";
import { comparePaths, toModelRelative } from "./paths.js";

/** One regular file of a model, as every consumer sees it. */
export interface WalkedFile {
  /**
   * POSIX path relative to the model root (`tokenizer/vocab.json`). For a single-file model, the
   * file's base name; see `manifestName` for the name a signature manifest uses instead.
   */
  path: string;
  /** Absolute path to open. For a symlink, the link's own location: opening it reads the target. */
  absPath: string;
  /** Size in bytes (of the target, for a symlink) when the walk saw it. */
  size: number;
  /**
   * True when the bytes live somewhere else than the name says: the entry is a symlink, or it was
   * reached through a symlinked directory below the root. Only possible with `allowSymlinks`.
   */
  isSymlink: boolean;
}

export interface WalkOptions {
  /**
   * Files or folders to leave out, relative to the model root (`docs`, `eval/results.json`) or
   * absolute paths under it. A folder removes its whole subtree. Absolute paths outside the root
   * name nothing in this model and have no effect.
   */
  ignorePaths?: string[];
  /** Follow symlinks instead of failing on the first one. Default false, as in model_signing. */
  allowSymlinks?: boolean;
  /**
   * With `allowSymlinks`, descend into symlinked directories below the root. Default true (a scan
   * sees everything). False matches `model_signing`, which never descends into them: manifests and
   * digests use it so their file lists agree with that tool's. A symlinked root is always followed.
   */
  followDirectorySymlinks?: boolean;
  /** Leave out `.git`, `.gitattributes`, `.github`, `.gitignore` at the root. Default true. */
  ignoreGitPaths?: boolean;
  /** Where the signature is written or read (a filesystem path); left out when it lies in the model. */
  signaturePath?: string;
  /** Told about every entry skipped for not being a regular file or directory, with the reason. */
  onSkip?(path: string, reason: string): void;
}

/** The entries `model_signing` ignores by default, at the model root only. */
export const GIT_PATHS: readonly string[] = [".git", ".gitattributes", ".github", ".gitignore"];

/** Lists the regular files of the model at `root`, sorted by `comparePaths`. */
export async function walkModel(root: string, opts: WalkOptions = {}): Promise<WalkedFile[]> {
  const absRoot = resolve(root);
  const link = await lstatOrThrow(absRoot, root);
  if (link.isSymbolicLink() && opts.allowSymlinks !== true) throw symlinkError(root);
  const target = link.isSymbolicLink() ? await statLinkTarget(absRoot, root) : link;
  const name = basename(absRoot);

  if (target.isFile()) {
    return [{ path: name, absPath: absRoot, size: Number(target.size), isSymlink: link.isSymbolicLink() }];
  }
  if (!target.isDirectory()) {
    opts.onSkip?.(name, specialFileKind(target));
    return [];
  }
  const walk: Walk = {
    ignored: await ignoredNames(absRoot, opts),
    allowSymlinks: opts.allowSymlinks === true,
    followDirectorySymlinks: opts.followDirectorySymlinks !== false,
    onSkip: opts.onSkip ?? (() => {}),
    out: [],
  };
  await walkDirectory(walk, { abs: absRoot, rel: "", ancestors: new Set([identity(target)]), viaLink: false });
  return walk.out.sort((a, b) => comparePaths(a.path, b.path));
}

/**
 * The name a signature manifest gives `file`: its model-relative path, except `.` when the model is
 * a single file. `model_signing` names resources by `path.relative_to(model_path)`, which is `.` when
 * the two are the same file; matching it keeps Vouch's manifests verifiable by that tool and back.
 */
export function manifestName(root: string, file: WalkedFile): string {
  return file.absPath === resolve(root) ? "." : file.path;
}

/** State shared by one walk. */
interface Walk {
  /** Model-relative names left out, with their subtrees. */
  ignored: ReadonlySet<string>;
  allowSymlinks: boolean;
  followDirectorySymlinks: boolean;
  onSkip(path: string, reason: string): void;
  out: WalkedFile[];
}

/** A directory being walked. */
interface Dir {
  abs: string;
  /** Model-relative name, `""` for the root. */
  rel: string;
  /** Identities (`dev:ino`) of this directory and the ones above it: revisiting one is a cycle. */
  ancestors: ReadonlySet<string>;
  /** Reached through a symlinked directory. */
  viaLink: boolean;
}

async function walkDirectory(walk: Walk, dir: Dir): Promise<void> {
  for (const name of await listDirectory(dir)) {
    const rel = dir.rel === "" ? name : `${dir.rel}/${name}`;
    // Checking each name before descending is enough: an ignored folder's subtree is never visited.
    if (walk.ignored.has(rel)) continue;
    await visitEntry(walk, dir, rel, join(dir.abs, name));
  }
}

async function visitEntry(walk: Walk, dir: Dir, rel: string, abs: string): Promise<void> {
  const link = await lstatOrThrow(abs, rel);
  const isLink = link.isSymbolicLink();
  if (isLink && !walk.allowSymlinks) throw symlinkError(rel);
  const st = isLink ? await statLinkTarget(abs, rel) : link;
  const viaLink = dir.viaLink || isLink;

  if (st.isFile()) {
    walk.out.push({ path: rel, absPath: abs, size: Number(st.size), isSymlink: viaLink });
  } else if (st.isDirectory() && isLink && !walk.followDirectorySymlinks) {
    walk.onSkip(rel, "symlink to a directory, not followed (as model_signing, which never descends into one)");
  } else if (st.isDirectory()) {
    await enterDirectory(walk, dir, { abs, rel, viaLink }, identity(st));
  } else {
    walk.onSkip(rel, specialFileKind(st));
  }
}

async function enterDirectory(walk: Walk, parent: Dir, child: Omit<Dir, "ancestors">, id: string): Promise<void> {
  // Only a symlink can lead back to a directory on the current path; following it would never end.
  if (parent.ancestors.has(id)) {
    walk.onSkip(child.rel, "symlink cycle: leads back to a directory above it, not followed");
    return;
  }
  await walkDirectory(walk, { ...child, ancestors: new Set([...parent.ancestors, id]) });
}

/** Entry names of a directory, sorted so the walk (and the order of any error) is deterministic. */
async function listDirectory(dir: Dir): Promise<string[]> {
  try {
    return (await readdir(dir.abs)).sort(comparePaths);
  } catch (e) {
    throw fsError(e, dir.rel === "" ? "." : dir.rel, "could not list the directory");
  }
}

/** The model-relative names to leave out: git files, the user's list and the signature file. */
async function ignoredNames(absRoot: string, opts: WalkOptions): Promise<Set<string>> {
  const roots = await rootSpellings(absRoot);
  const names = new Set<string>(opts.ignoreGitPaths === false ? [] : GIT_PATHS);
  for (const p of opts.ignorePaths ?? []) {
    const rel = toModelRelative(p, roots, "ignore path");
    if (rel !== undefined) names.add(rel);
  }
  if (opts.signaturePath !== undefined) {
    // The signature path is a filesystem path (relative to the working directory), not a model name.
    const rel = toModelRelative(resolve(opts.signaturePath), roots, "signature path");
    if (rel !== undefined) names.add(rel);
  }
  return names;
}

/** The root as given and as resolved through symlinks, so absolute paths in either spelling match. */
async function rootSpellings(absRoot: string): Promise<string[]> {
  const real = await realpath(absRoot);
  return real === absRoot ? [absRoot] : [absRoot, real];
}

function identity(st: BigIntStats): string {
  // bigint stats: inode numbers on some filesystems exceed 2^53 and would collide as numbers.
  return `${st.dev}:${st.ino}`;
}

function specialFileKind(st: BigIntStats): string {
  if (st.isFIFO()) return "FIFO (named pipe), not a regular file";
  if (st.isSocket()) return "socket, not a regular file";
  if (st.isCharacterDevice()) return "character device, not a regular file";
  if (st.isBlockDevice()) return "block device, not a regular file";
  return "not a regular file or directory";
}

function symlinkError(name: string): VouchError {
  return new VouchError("E_SYMLINK", `${name} is a symlink; symlinks are refused by default`, {
    file: name,
    hint: "pass --allow-symlinks to read links as their targets' content (needed for Hugging Face cache snapshots)",
  });
}

async function lstatOrThrow(abs: string, name: string): Promise<BigIntStats> {
  try {
    return await lstat(abs, { bigint: true });
  } catch (e) {
    throw fsError(e, name, "could not be read");
  }
}

/** Stats a symlink's final target. A link that resolves to nothing makes the file set unknowable. */
async function statLinkTarget(abs: string, name: string): Promise<BigIntStats> {
  try {
    return await stat(abs, { bigint: true });
  } catch (e) {
    const code = errnoCode(e);
    if (code === "ENOENT" || code === "ENOTDIR" || code === "ELOOP") {
      throw new VouchError("E_BROKEN_SYMLINK", `${name} is a symlink that does not resolve (${code})`, {
        file: name,
        cause: e,
        hint: "restore its target (an interrupted download leaves dangling links in the Hugging Face cache) or ignore the path",
      });
    }
    throw fsError(e, name, "could not be read");
  }
}

function fsError(e: unknown, name: string, what: string): VouchError {
  const code = errnoCode(e);
  if (code === "ENOENT") {
    return new VouchError("E_NOT_FOUND", `${name} does not exist`, { file: name, cause: e, hint: "check the path" });
  }
  return new VouchError("E_WALK", `${name} ${what}${code ? ` (${code})` : ""}`, {
    file: name,
    cause: e,
    hint: code === "EACCES" || code === "EPERM" ? "check file permissions" : "check that the model is not being modified during the walk",
  });
}

function errnoCode(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "code" in e && typeof e.code === "string" ? e.code : undefined;
}
