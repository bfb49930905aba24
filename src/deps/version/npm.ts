/**
 * npm versions: SemVer 2.0 as the `semver` package (npm's own) orders them. OSV's npm records use
 * `SEMVER` ranges and exact version strings.
 */
import semver from "semver";

export function isNpmVersion(version: string): boolean {
  return semver.valid(version.trim(), { loose: false }) !== null;
}

export function compareNpm(a: string, b: string): number {
  return semver.compare(a.trim(), b.trim());
}

/** SemVer's normal form (`v1.2.3` -> `1.2.3`); build metadata does not count for equality in SemVer, so it is dropped. */
export function canonicalNpm(version: string): string | undefined {
  const v = semver.parse(version.trim());
  return v === null ? undefined : v.version;
}
