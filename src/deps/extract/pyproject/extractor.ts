/**
 * `pyproject.toml`: PEP 621 `[project] dependencies` and `optional-dependencies` (groups named after
 * the extra), PEP 735 `[dependency-groups]`, and Poetry's `[tool.poetry.dependencies]`,
 * `dev-dependencies` and `group.<name>.dependencies`. A manifest states ranges, so most entries are
 * unresolved; only exact pins (`==X`, and Poetry's bare `X`, which Poetry reads as `==X`) resolve.
 */
import type { Package } from "../../types.js";
import { makePackage } from "../package.js";
import { parseRequirement, pinnedVersion } from "../pep508.js";
import { asArray, baseName, guarded, isRecord, readToml, str } from "../read.js";
import type { ExtractInput, Extractor } from "../types.js";
import { isPep440 } from "../../version/pep440.js";

export const pyprojectExtractor: Extractor = {
  id: "python/pyproject",
  matches: (path) => baseName(path) === "pyproject.toml",
  extract: (input) =>
    guarded(input, async () => {
      const doc = await readToml(input);
      const packages: Package[] = [];
      const project = isRecord(doc.project) ? doc.project : {};
      for (const spec of asArray(project.dependencies)) pep508(spec, [], input, packages);
      if (isRecord(project["optional-dependencies"])) {
        for (const [extra, specs] of Object.entries(project["optional-dependencies"])) for (const spec of asArray(specs)) pep508(spec, [extra], input, packages);
      }
      if (isRecord(doc["dependency-groups"])) {
        for (const [group, specs] of Object.entries(doc["dependency-groups"])) for (const spec of asArray(specs)) pep508(spec, [group], input, packages);
      }
      const poetry = isRecord(doc.tool) && isRecord(doc.tool.poetry) ? doc.tool.poetry : undefined;
      if (poetry) {
        poetryTable(poetry.dependencies, [], input, packages);
        poetryTable(poetry["dev-dependencies"], ["dev"], input, packages);
        if (isRecord(poetry.group)) {
          for (const [group, table] of Object.entries(poetry.group)) if (isRecord(table)) poetryTable(table.dependencies, [group], input, packages);
        }
      }
      return { packages, problems: [] };
    }),
};

function pep508(spec: unknown, groups: string[], input: ExtractInput, out: Package[]): void {
  if (typeof spec !== "string") return; // PEP 735 `{include-group = ...}` tables add nothing new
  const req = parseRequirement(spec);
  if (req === undefined) return;
  const version = req.url === undefined ? pinnedVersion(req.specifiers) : undefined;
  out.push(
    makePackage({
      ecosystem: "PyPI",
      name: req.name,
      ...(version !== undefined ? { version } : { unresolved: req.url !== undefined ? { reason: /^(git|hg|svn|bzr)\+/.test(req.url) ? "vcs" : "url", detail: req.url } : { reason: "unpinned", detail: req.specifiers.join(",") } }),
      direct: true,
      groups,
      marker: req.marker,
      source: { path: input.path, extractor: pyprojectExtractor.id },
    }),
  );
}

/** Poetry: `name = "^1.2"` or `name = { version = "1.2", extras = [...] }` or `{ git = ... }` / `{ path = ... }`. */
function poetryTable(table: unknown, groups: string[], input: ExtractInput, out: Package[]): void {
  if (!isRecord(table)) return;
  for (const [name, value] of Object.entries(table)) {
    if (name.toLowerCase() === "python") continue; // the interpreter, not a package
    for (const entry of Array.isArray(value) ? value : [value]) {
      const spec = typeof entry === "string" ? entry : isRecord(entry) ? str(entry.version) : undefined;
      const rec = isRecord(entry) ? entry : {};
      const elsewhere = str(rec.git) ?? str(rec.path) ?? str(rec.url);
      const version = spec !== undefined ? poetryPin(spec) : undefined;
      out.push(
        makePackage({
          ecosystem: "PyPI",
          name,
          ...(elsewhere !== undefined
            ? { unresolved: { reason: str(rec.git) ? "vcs" : str(rec.path) ? "local" : "url", detail: elsewhere } }
            : version !== undefined
              ? { version }
              : { unresolved: { reason: "unpinned", detail: spec ?? "" } }),
          direct: true,
          groups,
          marker: str(rec.markers),
          source: { path: input.path, extractor: pyprojectExtractor.id },
        }),
      );
    }
  }
}

/** Poetry reads a bare version (`"1.2.3"`) as `==1.2.3`; `==1.2.3` is explicit. Everything else is a range. */
function poetryPin(spec: string): string | undefined {
  const s = spec.trim();
  if (s.startsWith("==")) return pinnedVersion([s.replace(/\s+/g, "")]);
  return /^[0-9]/.test(s) && !/[*,<>^~ ]/.test(s) && isPep440(s) ? s : undefined;
}
