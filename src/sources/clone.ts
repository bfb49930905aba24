/**
 * What a local git clone says about its files: for each tracked file, the blob the index holds.
 * For an LFS file that blob is the pointer, which names the content's sha256 and size: the file on
 * disk is checked against it (or found to be the pointer itself, never pulled). For any other file
 * the blob is the content, so its git blob id shows whether the file changed since it was committed.
 */
import { join } from "node:path";
import { gitTopLevel, indexEntries, smallBlobs } from "./git.js";
import { MAX_POINTER_BYTES, parseLfsPointer, type LfsPointer } from "./lfs.js";

export interface CloneFile {
  /** The blob id the index holds for this path. */
  blob: string;
  /** Set when that blob is an LFS pointer. */
  lfs?: LfsPointer;
}

export interface CloneInfo {
  /** Top folder of the work tree. */
  topLevel: string;
  /** Tracked files under the target, by path relative to the target. */
  files: Map<string, CloneFile>;
}

/** The clone holding `dir`, or undefined when `dir` is not inside a git work tree. */
export async function readClone(dir: string): Promise<CloneInfo | undefined> {
  const topLevel = await gitTopLevel(dir);
  if (topLevel === undefined) return undefined;
  const entries = await indexEntries(dir);
  const blobs = await smallBlobs(dir, entries.map((e) => e.blob), MAX_POINTER_BYTES);
  const files = new Map<string, CloneFile>();
  for (const e of entries) {
    const content = blobs.get(e.blob);
    const lfs = content ? parseLfsPointer(content) : undefined;
    files.set(e.path, { blob: e.blob, ...(lfs ? { lfs } : {}) });
  }
  return { topLevel, files };
}

/** The absolute path of a tracked file. */
export function clonePath(dir: string, path: string): string {
  return join(dir, ...path.split("/"));
}
