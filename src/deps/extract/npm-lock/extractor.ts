/**
 * `package-lock.json` (and `npm-shrinkwrap.json`), lockfileVersion 1 to 3. Versions 2 and 3 list
 * `packages` keyed by install path (`node_modules/a/node_modules/@s/b`): the name is what follows
 * the last `node_modules/` (or the entry's own `name`). Version 1 nests `dependencies`. The root
 * project (key `""`) and workspace links (`link: true`) are the project itself and are skipped;
 * entries resolved from git or a local path are unresolved.
 */
import type { Package, UnresolvedReason } from "../../types.js";
import { makePackage } from "../package.js";
import { baseName, guarded, isRecord, malformed, readJson, str } from "../read.js";
import type { ExtractInput, Extractor } from "../types.js";

export const npmLockExtractor: Extractor = {
  id: "npm/package-lock",
  matches: (path) => ["package-lock.json", "npm-shrinkwrap.json"].includes(baseName(path)) && !path.split("/").includes("node_modules"),
  extract: (input) =>
    guarded(input, async () => {
      const doc = await readJson(input);
      if (!isRecord(doc)) throw malformed(input, "is not a JSON object");
      const packages: Package[] = [];
      if (isRecord(doc.packages)) fromPackages(doc.packages, input, packages);
      else if (isRecord(doc.dependencies)) fromDependencies(doc.dependencies, input, packages);
      else if (doc.lockfileVersion !== undefined) throw malformed(input, "has neither packages nor dependencies");
      return { packages, problems: [] };
    }),
};

function fromPackages(entries: Record<string, unknown>, input: ExtractInput, out: Package[]): void {
  for (const [key, entry] of Object.entries(entries)) {
    if (key === "" || !isRecord(entry) || entry.link === true) continue;
    const at = key.lastIndexOf("node_modules/");
    if (at < 0) continue; // a workspace folder: the project's own code, linked under node_modules
    const name = str(entry.name) ?? key.slice(at + "node_modules/".length);
    out.push(npmPackage(name, entry, !key.slice(0, at).includes("node_modules/"), input));
  }
}

function fromDependencies(deps: Record<string, unknown>, input: ExtractInput, out: Package[], depth = 0): void {
  for (const [name, entry] of Object.entries(deps)) {
    if (!isRecord(entry)) continue;
    out.push(npmPackage(name, entry, depth === 0, input));
    if (isRecord(entry.dependencies)) fromDependencies(entry.dependencies, input, out, depth + 1);
  }
}

function npmPackage(name: string, entry: Record<string, unknown>, topLevel: boolean, input: ExtractInput): Package {
  const version = str(entry.version);
  const resolved = str(entry.resolved) ?? "";
  const elsewhere = notRegistry(version ?? "", resolved);
  const groups = [entry.dev === true ? "dev" : undefined, entry.optional === true ? "optional" : undefined, entry.peer === true ? "peer" : undefined].filter((g): g is string => g !== undefined);
  return makePackage({
    ecosystem: "npm",
    name,
    ...(elsewhere ? { unresolved: elsewhere } : version ? { version } : { unresolved: { reason: "unpinned", detail: "no version in the lock" } }),
    ...(topLevel ? {} : { direct: false }),
    groups,
    source: { path: input.path, extractor: npmLockExtractor.id },
  });
}

/** v1 writes git and file dependencies into `version`; v2+ into `resolved`. */
function notRegistry(version: string, resolved: string): { reason: UnresolvedReason; detail: string } | undefined {
  for (const ref of [version, resolved]) {
    if (/^(git\+|git:|github:|gitlab:|bitbucket:)/.test(ref)) return { reason: "vcs", detail: ref };
    if (/^(file:|link:)/.test(ref)) return { reason: "local", detail: ref };
  }
  return undefined;
}
