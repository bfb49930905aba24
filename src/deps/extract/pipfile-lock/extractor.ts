/**
 * `Pipfile.lock` (pipenv): JSON with `default` and `develop` sections, name -> `{ "version": "==X" }`.
 * Entries without a version are VCS, editable or path installs and are unresolved.
 */
import type { Package, UnresolvedReason } from "../../types.js";
import { makePackage } from "../package.js";
import { pinnedVersion } from "../pep508.js";
import { baseName, guarded, isRecord, malformed, readJson, str } from "../read.js";
import type { Extractor } from "../types.js";

export const pipfileLockExtractor: Extractor = {
  id: "python/pipfile-lock",
  matches: (path) => baseName(path) === "Pipfile.lock",
  extract: (input) =>
    guarded(input, async () => {
      const doc = await readJson(input);
      if (!isRecord(doc)) throw malformed(input, "is not a JSON object");
      const packages: Package[] = [];
      for (const [section, group] of [["default", undefined], ["develop", "dev"]] as const) {
        const entries = doc[section];
        if (!isRecord(entries)) continue;
        for (const [name, entry] of Object.entries(entries)) {
          if (!isRecord(entry)) continue;
          const spec = str(entry.version);
          const version = spec !== undefined ? pinnedVersion([spec.replace(/\s+/g, "")]) : undefined;
          const marker = str(entry.markers);
          packages.push(
            makePackage({
              ecosystem: "PyPI",
              name,
              ...(version !== undefined ? { version } : { unresolved: unresolved(entry, spec) }),
              groups: group ? [group] : [],
              marker,
              source: { path: input.path, extractor: pipfileLockExtractor.id },
            }),
          );
        }
      }
      return { packages, problems: [] };
    }),
};

function unresolved(entry: Record<string, unknown>, spec: string | undefined): { reason: UnresolvedReason; detail: string } {
  if (entry.editable === true) return { reason: "editable", detail: str(entry.path) ?? "" };
  for (const vcs of ["git", "hg", "svn", "bzr"]) if (str(entry[vcs]) !== undefined) return { reason: "vcs", detail: str(entry[vcs])! };
  if (str(entry.file) !== undefined) return { reason: "url", detail: str(entry.file)! };
  if (str(entry.path) !== undefined) return { reason: "local", detail: str(entry.path)! };
  return { reason: "unpinned", detail: spec ?? "" };
}
