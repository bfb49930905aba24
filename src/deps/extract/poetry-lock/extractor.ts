/**
 * `poetry.lock`: `[[package]]` tables with `name` and `version`. Poetry 1.x marks the group with
 * `category` ("main"/"dev"); 2.x with `groups`. Packages from git or a local directory keep their
 * locked version but are reported as unresolved (`vcs`/`local`): the code is not the PyPI release.
 */
import type { UnresolvedReason } from "../../types.js";
import { makePackage } from "../package.js";
import { asArray, baseName, guarded, isRecord, readToml, str } from "../read.js";
import type { Extractor } from "../types.js";

export const poetryLockExtractor: Extractor = {
  id: "python/poetry-lock",
  matches: (path) => baseName(path) === "poetry.lock",
  extract: (input) =>
    guarded(input, async () => {
      const doc = await readToml(input);
      const packages = asArray(doc.package).filter(isRecord).flatMap((p) => {
        const name = str(p.name);
        const version = str(p.version);
        if (name === undefined) return [];
        const groups = [...asArray(p.groups).filter((g): g is string => typeof g === "string" && g !== "main"), ...(str(p.category) && p.category !== "main" ? [p.category as string] : [])];
        const notPypi = sourceKind(p.source);
        return [
          makePackage({
            ecosystem: "PyPI",
            name,
            ...(notPypi ? { unresolved: { reason: notPypi.reason, detail: notPypi.detail } } : { version }),
            groups,
            source: { path: input.path, extractor: poetryLockExtractor.id },
          }),
        ];
      });
      return { packages, problems: [] };
    }),
};

/** `[package.source] type = "git" | "directory" | "file" | "url"`; "legacy" (a private index) is still a release. */
function sourceKind(source: unknown): { reason: UnresolvedReason; detail: string } | undefined {
  if (!isRecord(source)) return undefined;
  const url = str(source.url) ?? "";
  switch (str(source.type)) {
    case "git":
      return { reason: "vcs", detail: `${url}${str(source.resolved_reference) ? `@${str(source.resolved_reference)}` : ""}` };
    case "directory":
    case "file":
      return { reason: "local", detail: url };
    case "url":
      return { reason: "url", detail: url };
    default:
      return undefined;
  }
}
