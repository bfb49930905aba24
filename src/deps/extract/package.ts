/**
 * Building `Package` values: every extractor goes through `makePackage`, so the normalized name and
 * the purl are computed one way.
 */
import type { Ecosystem, Package, PackageSource, UnresolvedReason } from "../types.js";
import { normalizeName } from "../version/index.js";

export interface PackageFields {
  ecosystem: Ecosystem;
  name: string;
  version?: string;
  unresolved?: { reason: UnresolvedReason; detail: string };
  direct?: boolean;
  groups?: readonly string[];
  marker?: string;
  source: PackageSource;
}

export function makePackage(f: PackageFields): Package {
  const name = f.name.trim();
  const version = f.version?.trim();
  const resolved = version !== undefined && version !== "" && f.unresolved === undefined;
  const groups = [...new Set(f.groups ?? [])].sort();
  return {
    ecosystem: f.ecosystem,
    name,
    normalizedName: normalizeName(f.ecosystem, name),
    ...(resolved ? { version } : {}),
    purl: purl(f.ecosystem, name, resolved ? version : undefined),
    ...(resolved ? {} : { unresolved: f.unresolved ?? { reason: "unpinned", detail: "" } }),
    ...(f.direct !== undefined ? { direct: f.direct } : {}),
    ...(groups.length > 0 ? { groups } : {}),
    ...(f.marker ? { marker: f.marker.trim() } : {}),
    sources: [f.source],
  };
}

/**
 * Package URL (https://github.com/package-url/purl-spec): `pkg:pypi/<name>` with the name
 * lower-cased and `_` as `-` (the spec's PyPI rule), `pkg:npm/%40scope/name`, `pkg:conda/<name>`.
 */
export function purl(ecosystem: Ecosystem, name: string, version?: string): string {
  const at = version !== undefined ? `@${encodeURIComponent(version)}` : "";
  switch (ecosystem) {
    case "PyPI":
      return `pkg:pypi/${encodeURIComponent(name.toLowerCase().replace(/[-_.]+/g, "-"))}${at}`;
    case "npm": {
      const slash = name.startsWith("@") ? name.indexOf("/") : -1;
      const path = slash > 0 ? `${encodeURIComponent(name.slice(0, slash))}/${encodeURIComponent(name.slice(slash + 1))}` : encodeURIComponent(name);
      return `pkg:npm/${path}${at}`;
    }
    case "conda":
      return `pkg:conda/${encodeURIComponent(name.toLowerCase())}${at}`;
  }
}
