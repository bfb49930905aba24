/**
 * PEP 440 versions as Python's `packaging` orders them. Ordering is `@renovatebot/pep440`'s
 * `compare()` (a port of packaging's sort key: epochs, pre/post/dev releases, local labels, implicit
 * zeros). Its `satisfies()` is not used: range matching is done by the OSV matcher on `compare()`.
 *
 * Two additions on top: surrounding whitespace is accepted as packaging accepts it, and a canonical
 * key (`canonicalPep440`) so that explicit OSV `versions` lists match by set lookup instead of by a
 * comparison per listed version: `1.0`, `1.0.0` and `v1.0` are one version to pip.
 */
import pep440 from "@renovatebot/pep440";

// An audit asks about the same few thousand version strings over and over (every range bound of
// every advisory, against every fix candidate), and the library parses with a large regular
// expression on each call. The answers never change, so they are remembered; the caches are
// bounded so a long-lived process (the registry service) does not grow without limit.
const MAX_CACHED = 100_000;
const validCache = new Map<string, boolean>();
const compareCache = new Map<string, number>();
const canonicalCache = new Map<string, string | undefined>();

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, value);
  return value;
}

/** Parsed or not: true when `version` is a valid PEP 440 version (whitespace around it allowed). */
export function isPep440(version: string): boolean {
  const known = validCache.get(version);
  return known ?? remember(validCache, version, pep440.valid(version.trim()) !== null);
}

/** Orders two valid versions as packaging does: negative, zero or positive. Throws on invalid input. */
export function comparePep440(a: string, b: string): number {
  const key = `${a}\u0000${b}`;
  const known = compareCache.get(key);
  if (known !== undefined) return known;
  if (!isPep440(a) || !isPep440(b)) {
    throw new TypeError(`not PEP 440 versions: ${JSON.stringify(a)}, ${JSON.stringify(b)}`);
  }
  return remember(compareCache, key, Math.sign(pep440.compare(a.trim(), b.trim())));
}

/**
 * A string equal for exactly the versions PEP 440 calls equal: epoch always written, trailing zero
 * release components dropped, pre/post/dev spelt canonically (`c` and `rc` are one), local label
 * lower-cased. Undefined for an invalid version, which can then only match by its literal text.
 */
export function canonicalPep440(version: string): string | undefined {
  if (canonicalCache.has(version)) return canonicalCache.get(version);
  return remember(canonicalCache, version, computeCanonical(version));
}

function computeCanonical(version: string): string | undefined {
  const v = pep440.parse(version.trim());
  if (v === null) return undefined;
  const release = [...v.release];
  while (release.length > 1 && release[release.length - 1] === 0) release.pop();
  let key = `${v.epoch}!${release.join(".")}`;
  if (v.pre) key += `${String(v.pre[0])}${String(v.pre[1])}`;
  if (v.post) key += `.post${String(v.post[1])}`;
  if (v.dev) key += `.dev${String(v.dev[1])}`;
  // The type declarations say string, the runtime value is the parsed segment list.
  const local: unknown = v.local;
  if (local) key += `+${(Array.isArray(local) ? local.map(String).join(".") : String(local)).toLowerCase()}`;
  return key;
}

/** PEP 503 name normalisation: lower case, runs of `-`, `_` and `.` become one `-`. */
export function normalizePypiName(name: string): string {
  return name.trim().toLowerCase().replace(/[-_.]+/g, "-");
}
