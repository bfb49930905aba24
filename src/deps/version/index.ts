/**
 * Version semantics per ecosystem, behind one interface, so the OSV matcher and the fix finder do not
 * know which ecosystem they work on. Adding an ecosystem is adding an entry here.
 */
import { canonicalNpm, compareNpm, isNpmVersion } from "./npm.js";
import { canonicalPep440, comparePep440, isPep440, normalizePypiName } from "./pep440.js";

export interface VersionScheme {
  /** Whether `version` can be ordered. Invalid versions only match explicit `versions` lists, by text. */
  isValid(version: string): boolean;
  /** Orders two valid versions: negative, zero or positive. */
  compare(a: string, b: string): number;
  /** A string equal for equal versions (for set lookups); undefined for invalid ones. */
  canonical(version: string): string | undefined;
  /** The name advisories are indexed by. */
  normalizeName(name: string): string;
}

const PYPI: VersionScheme = { isValid: isPep440, compare: comparePep440, canonical: canonicalPep440, normalizeName: normalizePypiName };
const NPM: VersionScheme = { isValid: isNpmVersion, compare: compareNpm, canonical: canonicalNpm, normalizeName: (n) => n.trim() };

/** OSV ecosystem name -> its scheme; an ecosystem suffix (`Debian:11`) is ignored. Undefined: no ordering known. */
export function versionScheme(ecosystem: string): VersionScheme | undefined {
  switch (ecosystem.split(":")[0]) {
    case "PyPI":
      return PYPI;
    case "npm":
      return NPM;
    default:
      return undefined;
  }
}

/** The name advisories of `ecosystem` are indexed by: the scheme's normalisation, else the name as written. */
export function normalizeName(ecosystem: string, name: string): string {
  return versionScheme(ecosystem)?.normalizeName(name) ?? name;
}

export { canonicalPep440, comparePep440, isPep440, normalizePypiName } from "./pep440.js";
export { canonicalNpm, compareNpm, isNpmVersion } from "./npm.js";
