/**
 * What an external-data location names on disk, seen from the model file's folder. Only metadata is
 * read (lstat, realpath, stat): the data file is never opened, so a FIFO or device planted there
 * cannot block or feed the scan.
 */
import { lstat, realpath, stat } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { escapesRoot } from "../../walk/paths.js";

export type ExternalFile =
  | { status: "ok"; size: number }
  /** Nothing there, or a symlink whose target does not exist. */
  | { status: "missing" }
  /** A symlink (the file, or a folder on its path) that resolves outside the model's folder. */
  | { status: "escapes"; target: string }
  /** Something that is not a regular file (a folder, a FIFO, a device). */
  | { status: "not-a-file" };

/**
 * Resolves `location` (already checked to be a plain relative path) against `modelDir`. A target is
 * inside when it lies under the real model folder, or under the real folder of the model file itself:
 * Hugging Face caches keep both the model and its data as links into one `blobs/` folder, and that
 * layout is legitimate.
 */
export async function inspectExternalFile(modelDir: string, modelFile: string | undefined, location: string): Promise<ExternalFile> {
  const path = resolve(modelDir, location);
  try {
    await lstat(path);
  } catch {
    return { status: "missing" };
  }
  let target: string;
  try {
    target = await realpath(path);
  } catch {
    return { status: "missing" };
  }
  const roots = await realRoots(modelDir, modelFile);
  if (!roots.some((root) => !escapesRoot(relative(root, target)))) return { status: "escapes", target };
  const st = await stat(target).catch(() => undefined);
  if (st === undefined) return { status: "missing" };
  return st.isFile() ? { status: "ok", size: st.size } : { status: "not-a-file" };
}

/** The real model folder and, when the model file is a link, the real folder of its target. */
async function realRoots(modelDir: string, modelFile: string | undefined): Promise<string[]> {
  const roots = [await realpath(modelDir).catch(() => resolve(modelDir))];
  if (modelFile !== undefined) {
    const real = await realpath(join(modelDir, modelFile)).catch(() => undefined);
    if (real !== undefined) roots.push(dirname(real));
  }
  return roots;
}
