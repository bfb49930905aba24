/**
 * `pdm.lock`: `[[package]]` tables with `name`, `version` and `groups`. Entries from a VCS, a URL or
 * a local path carry `git`/`url`/`path` keys and are reported as unresolved.
 */
import type { UnresolvedReason } from "../../types.js";
import { makePackage } from "../package.js";
import { asArray, baseName, guarded, isRecord, readToml, str } from "../read.js";
import type { Extractor } from "../types.js";

export const pdmLockExtractor: Extractor = {
  id: "python/pdm-lock",
  matches: (path) => baseName(path) === "pdm.lock",
  extract: (input) =>
    guarded(input, async () => {
      const doc = await readToml(input);
      const packages = asArray(doc.package).filter(isRecord).flatMap((p) => {
        const name = str(p.name);
        if (name === undefined) return [];
        const elsewhere = (["git", "url", "path"] as const).find((k) => str(p[k]) !== undefined);
        const reason: Record<string, UnresolvedReason> = { git: "vcs", url: "url", path: "local" };
        const groups = asArray(p.groups).filter((g): g is string => typeof g === "string" && g !== "default");
        return [
          makePackage({
            ecosystem: "PyPI",
            name,
            ...(elsewhere ? { unresolved: { reason: reason[elsewhere]!, detail: str(p[elsewhere])! } } : { version: str(p.version) }),
            groups,
            source: { path: input.path, extractor: pdmLockExtractor.id },
          }),
        ];
      });
      return { packages, problems: [] };
    }),
};
