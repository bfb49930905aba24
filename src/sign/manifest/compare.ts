/**
 * Compares the manifest a signature carries with the one computed from the files on disk, and says
 * what differs by file name: files the signature lists that are gone, files on disk it does not
 * list, and files whose content changed. Shards are grouped back into their files, so a changed
 * byte in a sharded 10 GB file is reported once, as that file.
 */
import { comparePaths } from "../../walk/index.js";
import { parseShardName } from "./serialize.js";
import type { Manifest } from "./types.js";

export interface ManifestDiff {
  /** In the signature, not on disk. */
  missing: string[];
  /** On disk, not in the signature. */
  extra: string[];
  /** On both, with different content. */
  changed: string[];
}

export function diffManifests(expected: Manifest, actual: Manifest): ManifestDiff {
  const want = byFile(expected);
  const have = byFile(actual);
  const diff: ManifestDiff = { missing: [], extra: [], changed: [] };
  for (const [name, digests] of want) {
    const got = have.get(name);
    if (got === undefined) diff.missing.push(name);
    else if (got !== digests) diff.changed.push(name);
  }
  for (const name of have.keys()) if (!want.has(name)) diff.extra.push(name);
  for (const list of [diff.missing, diff.extra, diff.changed]) list.sort(comparePaths);
  return diff;
}

export function isEmptyDiff(d: ManifestDiff): boolean {
  return d.missing.length + d.extra.length + d.changed.length === 0;
}

/**
 * File name -> a string standing for its content: the digest, or for shards every `start:end=digest`
 * in order (so a file that grew or shrank differs even when its first shards match). The algorithm
 * name is not part of it: a shard recorded as plain `sha256` equals one recorded as
 * `sha256-sharded-N` (the serialization already fixed what was hashed).
 */
function byFile(m: Manifest): Map<string, string> {
  const out = new Map<string, string>();
  if (m.serialization.method === "files") {
    for (const r of m.resources) out.set(r.name, r.digest);
    return out;
  }
  const shards = new Map<string, Array<{ start: number; text: string }>>();
  for (const r of m.resources) {
    const { path, start, end } = parseShardName(r.name);
    const list = shards.get(path) ?? [];
    list.push({ start, text: `${start}:${end}=${r.digest}` });
    shards.set(path, list);
  }
  for (const [path, list] of shards) out.set(path, list.sort((a, b) => a.start - b.start).map((s) => s.text).join(","));
  return out;
}

