/**
 * Conda `environment.yml` / `environment.yaml`: `dependencies` lists conda match specs (`numpy`,
 * `numpy=1.26.4`, `numpy==1.26.4`, `numpy=1.26.4=py311h...`, `conda-forge::numpy=1.26`) and may hold
 * a `pip:` list in requirements syntax. Conda packages are listed with ecosystem `conda` (OSV has no
 * conda data, so they are reported as unaudited rather than matched against PyPI by name: conda
 * builds patch and rename packages). The pip list is audited like a requirements file.
 */
import type { Package } from "../../types.js";
import { makePackage } from "../package.js";
import { parseRequirement, pinnedVersion } from "../pep508.js";
import { asArray, baseName, guarded, isRecord, malformed, readYaml } from "../read.js";
import type { ExtractInput, Extractor } from "../types.js";

export const condaExtractor: Extractor = {
  id: "python/conda-environment",
  matches: (path) => /^environment\.ya?ml$/.test(baseName(path)),
  extract: (input) =>
    guarded(input, async () => {
      const doc = await readYaml(input);
      if (!isRecord(doc)) throw malformed(input, "is not a mapping with a dependencies list");
      const packages: Package[] = [];
      for (const dep of asArray(doc.dependencies)) {
        if (typeof dep === "string") packages.push(condaPackage(dep, input));
        else if (isRecord(dep) && Array.isArray(dep.pip)) for (const req of dep.pip) if (typeof req === "string") packages.push(...pipPackage(req, input));
      }
      return { packages, problems: [] };
    }),
};

/**
 * A match spec: `[channel::]name[ op version[=build]]`. Only `name=X`/`name==X` with a literal X (no
 * `*`, no range) is a pin; conda's single `=` is a prefix match (`1.26` = `1.26.*`), so it pins only
 * when a build string follows or the version is the exact release written out.
 */
function condaPackage(spec: string, input: ExtractInput): Package {
  const source = { path: input.path, extractor: condaExtractor.id };
  const s = spec.trim().replace(/^[^:\s]+::/, "");
  const m = /^([A-Za-z0-9_.-]+)\s*(?:(==|=)\s*([^=\s]+)(?:=(\S+))?|\s*(.*))$/.exec(s);
  const name = m?.[1] ?? s;
  const op = m?.[2];
  const version = m?.[3];
  const build = m?.[4];
  const exact = version !== undefined && !/[*<>,|!]/.test(version) && (op === "==" || build !== undefined);
  return makePackage({
    ecosystem: "conda",
    name,
    ...(exact ? { version } : { unresolved: { reason: "unpinned", detail: s.slice(name.length).trim() } }),
    direct: true,
    source,
  });
}

function pipPackage(text: string, input: ExtractInput): Package[] {
  const req = parseRequirement(text);
  if (req === undefined) return [];
  const version = req.url === undefined ? pinnedVersion(req.specifiers) : undefined;
  return [
    makePackage({
      ecosystem: "PyPI",
      name: req.name,
      ...(version !== undefined ? { version } : { unresolved: req.url !== undefined ? { reason: "url", detail: req.url } : { reason: "unpinned", detail: req.specifiers.join(",") } }),
      direct: true,
      marker: req.marker,
      source: { path: input.path, extractor: condaExtractor.id },
    }),
  ];
}
