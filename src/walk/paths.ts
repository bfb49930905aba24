/**
 * Model-relative names: the one spelling every consumer (scan report, digest manifest, BOM, signature,
 * suppressions) uses for a file inside a model. POSIX separators, relative to the model root, no `.`,
 * `..` or empty segments. Such a name is a stable key across machines and can never point outside the
 * model, so a name read from a manifest or a config file is safe to join to a root.
 */
import { isAbsolute, relative, resolve, sep } from "node:path";
import { VouchError } from "../core/errors.js";

/**
 * Why `name` is not a clean model-relative POSIX name, or undefined when it is. A single trailing `/`
 * is tolerated (people write `docs/` for a folder); callers strip it with `normalizeRelativeName`.
 */
export function relativeNameProblem(name: string): string | undefined {
  if (name === "") return "is empty";
  if (name.includes("\0")) return "contains a NUL byte";
  if (name.startsWith("/")) return "starts with `/` (absolute)";
  const segments = stripTrailingSlash(name).split("/");
  if (segments.includes("")) return "has an empty segment (`//`)";
  if (segments.includes("..")) return "has a `..` segment";
  if (segments.includes(".")) return "has a `.` segment (`./`)";
  return undefined;
}

/** Validates a name given by a person (ignore list, config) and returns it without a trailing `/`. */
export function normalizeRelativeName(name: string, what: string): string {
  const problem = relativeNameProblem(name);
  if (problem !== undefined) {
    throw new VouchError("E_BAD_PATH", `${what} ${JSON.stringify(name)} ${problem}`, {
      hint: "Write paths relative to the model root with `/` separators, e.g. `docs/README.md`",
    });
  }
  return stripTrailingSlash(name);
}

/** True when a `path.relative` result leaves its base (`..`, `../x`; not a name like `..data`). */
export function escapesRoot(rel: string): boolean {
  return rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

function stripTrailingSlash(name: string): string {
  return name.length > 1 && name.endsWith("/") ? name.slice(0, -1) : name;
}

/**
 * Turns a user-supplied path into a model-relative name. Relative paths are taken as relative to the
 * model root and validated; absolute paths are accepted when they lie under one of `roots` (the root
 * as given and its real path, so `/tmp` vs `/private/tmp` spellings both work). An absolute path
 * outside every root returns undefined: it cannot name anything in this model, which is normal when
 * one ignore list or one signature path serves several targets.
 */
export function toModelRelative(path: string, roots: readonly string[], what: string): string | undefined {
  if (!isAbsolute(path)) return normalizeRelativeName(path, what);
  for (const root of roots) {
    const rel = relative(root, resolve(path));
    if (rel === "") {
      throw new VouchError("E_BAD_PATH", `${what} ${JSON.stringify(path)} is the model root itself`, {
        hint: "Ignore files or folders inside the model, not the model",
      });
    }
    if (!escapesRoot(rel)) return rel.split(sep).join("/");
  }
  return undefined;
}

/**
 * Total order on model-relative names: segment by segment, each segment by its UTF-8 bytes (which is
 * Unicode code point order). This is the order `model_signing` lists manifest resources in (Python
 * compares `PurePosixPath`s by their parts), and a depth-first walk with sorted directories produces
 * it: `a/b` sorts before `a-b` although `/` > `-` as a byte. Replacing `/` by NUL, which no name
 * contains and which sorts below every other byte, turns segment-wise order into plain byte order.
 */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a.replaceAll("/", "\0")), Buffer.from(b.replaceAll("/", "\0")));
}
