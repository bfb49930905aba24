/**
 * Whether a version is affected, as the OSV schema defines it: listed in `versions`, or inside any
 * `ECOSYSTEM`/`SEMVER` range. A range is evaluated by walking its events sorted by version, with
 * `introduced: "0"` before everything: `introduced` opens (v >= it), `fixed` closes (v >= it),
 * `last_affected` closes after itself (v > it); `limit` events cap the whole range (v < some limit).
 *
 * Ties between events at the same version are ordered introduced, last_affected, fixed, limit, so
 * `introduced: X` + `fixed: X` is an empty range and `introduced: X` + `last_affected: X` is just X.
 *
 * Bounds that do not parse in the ecosystem's scheme fail closed: an unparseable `introduced` counts
 * as `"0"`, an unparseable `fixed` or `last_affected` is ignored (the range stays open). A record
 * writer's typo then shows a vulnerability that may not be there, never hides one that is.
 */
import type { AffectedPackage, RangeEvent } from "../types.js";
import type { VersionScheme } from "../version/index.js";

/** True when `version` (valid or not in `scheme`) is affected by this entry. */
export function isAffected(entry: AffectedPackage, version: string, scheme: VersionScheme): boolean {
  if (entry.versions.length > 0 && entry.versions.includes(scheme.canonical(version) ?? version)) return true;
  if (!scheme.isValid(version)) return false; // only an explicit listing can match an unorderable version
  return entry.ranges.some((range) => inRange(range.events, version, scheme));
}

/**
 * The listed versions a range does not already cover. OSV writers (PyPA among them) enumerate every
 * affected release in `versions` as well as giving the ranges; since a version is affected when it
 * is listed *or* in a range, dropping the listed ones the ranges cover changes no answer, and keeps
 * the database small enough to read per package in an audit.
 */
export function versionsNotInRanges(entry: AffectedPackage, scheme: VersionScheme): string[] {
  return entry.versions.filter((v) => !scheme.isValid(v) || !entry.ranges.some((range) => inRange(range.events, v, scheme)));
}

const TIE_ORDER: Record<keyof RangeEvent, number> = { introduced: 0, last_affected: 1, fixed: 2, limit: 3 };

interface Bound {
  kind: keyof RangeEvent;
  /** Undefined for `introduced: "0"` and for unparseable introduced bounds: below every version. */
  version?: string;
}

/** Sorted bounds per event list: an entry is evaluated many times per audit (detection, then every fix candidate). */
const boundsCache = new WeakMap<readonly RangeEvent[], { scheme: VersionScheme; bounds: Bound[] }>();

function inRange(events: readonly RangeEvent[], version: string, scheme: VersionScheme): boolean {
  let cached = boundsCache.get(events);
  if (cached === undefined || cached.scheme !== scheme) boundsCache.set(events, (cached = { scheme, bounds: toBounds(events, scheme) }));
  const bounds = cached.bounds;
  const limits = bounds.filter((b) => b.kind === "limit");
  if (limits.length > 0 && !limits.some((l) => scheme.compare(version, l.version!) < 0)) return false;
  let affected = false;
  for (const b of bounds) {
    if (b.kind === "introduced") {
      if (b.version === undefined || scheme.compare(version, b.version) >= 0) affected = true;
    } else if (b.kind === "fixed") {
      if (scheme.compare(version, b.version!) >= 0) affected = false;
    } else if (b.kind === "last_affected") {
      if (scheme.compare(version, b.version!) > 0) affected = false;
    }
  }
  return affected;
}

/** The events as sorted bounds; unparseable upper bounds dropped, unparseable lower bounds made "0". */
function toBounds(events: readonly RangeEvent[], scheme: VersionScheme): Bound[] {
  const bounds: Bound[] = [];
  for (const e of events) {
    const kind = Object.keys(e)[0] as keyof RangeEvent;
    const v = e[kind]!;
    if (kind === "introduced") bounds.push(v === "0" || !scheme.isValid(v) ? { kind } : { kind, version: v });
    else if (scheme.isValid(v)) bounds.push({ kind, version: v });
  }
  return bounds.sort((a, b) => {
    if (a.version === undefined || b.version === undefined) {
      if (a.version === b.version) return TIE_ORDER[a.kind] - TIE_ORDER[b.kind];
      return a.version === undefined ? -1 : 1;
    }
    return scheme.compare(a.version, b.version) || TIE_ORDER[a.kind] - TIE_ORDER[b.kind];
  });
}

/**
 * The `fixed` versions of this entry above `version`, ascending and deduplicated: the candidates for
 * an upgrade. (`last_affected` names no fix, so it gives none.)
 */
export function fixCandidates(entry: AffectedPackage, version: string, scheme: VersionScheme): string[] {
  if (!scheme.isValid(version)) return [];
  const fixed = entry.ranges.flatMap((r) => r.events.flatMap((e) => (e.fixed !== undefined && scheme.isValid(e.fixed) ? [e.fixed] : [])));
  return sortUnique(fixed.filter((f) => scheme.compare(f, version) > 0), scheme);
}

/** Sorted ascending, versions that compare equal kept once (the first spelling wins). */
export function sortUnique(versions: readonly string[], scheme: VersionScheme): string[] {
  const sorted = [...versions].sort((a, b) => scheme.compare(a, b));
  return sorted.filter((v, i) => i === 0 || scheme.compare(sorted[i - 1]!, v) !== 0);
}
