/**
 * `pylock.toml` and `pylock.<name>.toml` (PEP 751): `[[packages]]` with `name` and `version`. A
 * package from `vcs`, `directory` or `archive` may have no version and is not the index release:
 * unresolved. `dependency-groups`/`extras` select packages through markers, kept as written.
 */
import type { UnresolvedReason } from "../../types.js";
import { makePackage } from "../package.js";
import { asArray, baseName, guarded, isRecord, readToml, str } from "../read.js";
import type { Extractor } from "../types.js";

export const pylockExtractor: Extractor = {
  id: "python/pylock",
  matches: (path) => /^pylock(\.[^.]+)?\.toml$/.test(baseName(path)),
  extract: (input) =>
    guarded(input, async () => {
      const doc = await readToml(input);
      const packages = asArray(doc.packages).filter(isRecord).flatMap((p) => {
        const name = str(p.name);
        if (name === undefined) return [];
        const kinds: [string, UnresolvedReason][] = [["vcs", "vcs"], ["directory", "local"], ["archive", "url"]];
        const other = kinds.find(([k]) => isRecord(p[k]));
        const detail = other ? (str((p[other[0]] as Record<string, unknown>).url) ?? str((p[other[0]] as Record<string, unknown>).path) ?? "") : "";
        const version = str(p.version);
        return [
          makePackage({
            ecosystem: "PyPI",
            name,
            ...(other ? { unresolved: { reason: other[1], detail } } : version ? { version } : { unresolved: { reason: "unpinned", detail: "no version in the lock" } }),
            marker: str(p.marker),
            source: { path: input.path, extractor: pylockExtractor.id },
          }),
        ];
      });
      return { packages, problems: [] };
    }),
};
