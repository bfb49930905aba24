/**
 * `vouch scan --hf-cache`: every model revision already in the local cache, as targets named
 * `hf://ORG/NAME@COMMIT` so the report shows each repository and revision. They are resolved from the
 * cache alone: scanning what is cached must not download anything.
 */
import { listCachedRevisions, type CachedRevision } from "./hf-cache.js";
import { formatHfRef } from "./hf-ref.js";

export interface CacheTargets {
  /** One `hf://org/name@commit` per cached revision, sorted. */
  targets: string[];
  revisions: CachedRevision[];
  /** Entries of the cache that do not follow its layout. */
  problems: string[];
}

export async function cacheTargets(cacheDir: string): Promise<CacheTargets> {
  const { revisions, problems } = await listCachedRevisions(cacheDir);
  return { targets: revisions.map((r) => formatHfRef(r.repoId, r.commit)), revisions, problems };
}
