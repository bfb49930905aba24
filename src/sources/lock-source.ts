/**
 * `vouch pin` and `vouch verify --lock` for `hf://` targets: the snapshot is fetched into the standard
 * cache, where every blob was verified against the Hub's published digest (the LFS sha256 for
 * weights) before it was put in place; the pinned file digests are then those verified bytes'
 * SHA-256, and the revision is the commit the reference resolved to.
 */
import type { LockSource } from "../sign/pin/pin.js";
import { buildManifest } from "../sign/manifest/serialize.js";
import { isHfTarget } from "./hf-ref.js";
import type { HubOptions } from "./snapshot.js";
import { resolveTarget } from "./targets.js";

/** A `remote` resolver for pinModel/verifyLock: handles `hf://` targets, leaves local paths alone. */
export function hubLockSource(options: HubOptions): (target: string) => Promise<LockSource> | undefined {
  return (target) => (isHfTarget(target) ? lockFromHub(target, options) : undefined);
}

async function lockFromHub(target: string, options: HubOptions): Promise<LockSource> {
  const { path, snapshot } = await resolveTarget(target, options);
  // cache snapshots are symlinks into blobs/: read through them, as the Python client's users do
  const manifest = await buildManifest(path, { allowSymlinks: true });
  return {
    ...(snapshot ? { revision: snapshot.commit } : {}),
    files: manifest.resources.map((r) => ({ path: r.name, sha256: r.digest, size: r.size ?? 0 })),
  };
}
