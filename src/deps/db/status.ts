/**
 * What the database holds and how old it is, for `vouch db status` and for the audit's staleness
 * warning. Age is measured by the caller's clock from each source's `asOf` (see `SourceInfo`); the
 * database is as old as its oldest source.
 */
import type { Clock } from "../../core/clock.js";
import type { DatabaseInfo } from "../types.js";
import { currentGeneration, readManifest, type Manifest } from "./store.js";
import { join } from "node:path";

/** Default for `audit.maxDbAgeDays`: OSV changes daily; a week-old database misses real advisories. */
export const DEFAULT_MAX_DB_AGE_DAYS = 7;

export interface DatabaseStatus {
  location: string;
  /** False when no database has been written there yet. */
  exists: boolean;
  manifest?: Manifest;
  info?: DatabaseInfo;
}

export async function databaseStatus(dir: string, clock: Clock, maxAgeDays = DEFAULT_MAX_DB_AGE_DAYS): Promise<DatabaseStatus> {
  const generation = await currentGeneration(dir);
  if (generation === undefined) return { location: dir, exists: false };
  const manifest = readManifest(join(dir, generation));
  return { location: dir, exists: true, manifest, info: databaseInfo(dir, manifest, clock, maxAgeDays) };
}

export function databaseInfo(dir: string, manifest: Manifest, clock: Clock, maxAgeDays: number): DatabaseInfo {
  const now = clock.now().getTime();
  const ages = manifest.sources.map((s) => Math.max(0, Math.floor((now - Date.parse(s.asOf)) / 86_400_000)));
  const ageDays = ages.length ? Math.max(...ages) : 0;
  return {
    location: dir,
    sources: manifest.sources.map((s) => ({ name: s.name, kind: s.kind, location: s.location, asOf: s.asOf, advisories: s.advisories })),
    ageDays,
    stale: ageDays > maxAgeDays,
  };
}
