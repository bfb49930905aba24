/**
 * Git LFS pointer files (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md). A clone made
 * without `git lfs pull` holds these ~130-byte text files where the weights should be; they must be
 * reported as missing weights, never scanned as if they were the model.
 */
import { open } from "node:fs/promises";

export const LFS_SPEC_V1 = "https://git-lfs.github.com/spec/v1";

/** The spec caps a pointer at 1024 bytes; anything larger is content. */
export const MAX_POINTER_BYTES = 1024;

export interface LfsPointer {
  /** SHA-256 of the real content, lower-case hex. */
  oid: string;
  /** Size of the real content in bytes. */
  size: number;
}

/**
 * Parses pointer text: `version` first, then `oid sha256:<hex>` and `size <n>` among sorted
 * `key value` lines, each ending in `\n`. Returns undefined for anything that is not a pointer.
 */
export function parseLfsPointer(bytes: Uint8Array): LfsPointer | undefined {
  if (bytes.length === 0 || bytes.length > MAX_POINTER_BYTES) return undefined;
  const text = Buffer.from(bytes).toString("utf8");
  if (!text.startsWith(`version ${LFS_SPEC_V1}\n`) || !text.endsWith("\n")) return undefined;
  const fields = new Map<string, string>();
  for (const line of text.slice(0, -1).split("\n")) {
    const space = line.indexOf(" ");
    if (space <= 0) return undefined;
    fields.set(line.slice(0, space), line.slice(space + 1));
  }
  const oid = /^sha256:([0-9a-f]{64})$/.exec(fields.get("oid") ?? "")?.[1];
  const size = fields.get("size");
  if (oid === undefined || size === undefined || !/^\d{1,15}$/.test(size)) return undefined;
  return { oid, size: Number(size) };
}

/** Reads a file's head and parses it as a pointer; undefined for larger files or other content. */
export async function readLfsPointer(path: string): Promise<LfsPointer | undefined> {
  const fh = await open(path, "r");
  try {
    const { size } = await fh.stat();
    if (size > MAX_POINTER_BYTES) return undefined;
    const buf = Buffer.alloc(size);
    await fh.read(buf, 0, size, 0);
    return parseLfsPointer(buf);
  } finally {
    await fh.close();
  }
}
