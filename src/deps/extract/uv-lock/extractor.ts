/**
 * `uv.lock`: `[[package]]` tables with `name`, `version` and a `source`. Registry packages are
 * releases; `editable`/`virtual`/`directory`/`path` sources are the project itself or local code, and
 * `git`/`url` sources are not the PyPI release: those are reported as unresolved.
 */
import type { UnresolvedReason } from "../../types.js";
import { makePackage } from "../package.js";
import { asArray, baseName, guarded, isRecord, readToml, str } from "../read.js";
import type { Extractor } from "../types.js";

export const uvLockExtractor: Extractor = {
  id: "python/uv-lock",
  matches: (path) => baseName(path) === "uv.lock",
  extract: (input) =>
    guarded(input, async () => {
      const doc = await readToml(input);
      const packages = asArray(doc.package).filter(isRecord).flatMap((p) => {
        const name = str(p.name);
        if (name === undefined) return [];
        const notRegistry = sourceKind(p.source);
        return [
          makePackage({
            ecosystem: "PyPI",
            name,
            ...(notRegistry ? { unresolved: notRegistry } : { version: str(p.version) }),
            source: { path: input.path, extractor: uvLockExtractor.id },
          }),
        ];
      });
      return { packages, problems: [] };
    }),
};

function sourceKind(source: unknown): { reason: UnresolvedReason; detail: string } | undefined {
  if (!isRecord(source)) return undefined;
  if (str(source.registry) !== undefined) return undefined;
  if (str(source.git) !== undefined) return { reason: "vcs", detail: str(source.git)! };
  if (str(source.url) !== undefined) return { reason: "url", detail: str(source.url)! };
  if (str(source.editable) !== undefined) return { reason: "editable", detail: str(source.editable)! };
  for (const key of ["virtual", "directory", "path"]) if (str(source[key]) !== undefined) return { reason: "local", detail: str(source[key])! };
  return undefined;
}
