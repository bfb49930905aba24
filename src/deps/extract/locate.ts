/**
 * Line numbers for packages from formats whose parsers do not give positions (TOML, JSON, YAML lock
 * files): the first line naming the package (quoted, after a `/` as in `node_modules/x`, or as a
 * `Name:` header) that has its version on it or within the next few lines. Only a pointer for
 * people and SARIF regions; a package that cannot be found keeps no line.
 */
import { readFile } from "node:fs/promises";
import type { Package } from "../types.js";

/** How far below the name the version may be written (`[[package]]` tables put it on the next line). */
const VERSION_WINDOW = 4;

export async function locateLines(file: string, path: string, packages: readonly Package[]): Promise<void> {
  const missing = packages.filter((p) => p.sources.some((s) => s.path === path && s.line === undefined));
  if (missing.length === 0) return;
  let lines: string[];
  try {
    lines = (await readFile(file, "utf8")).split(/\r\n|\n|\r/);
  } catch {
    return;
  }
  for (const p of missing) {
    const line = findLine(lines, p);
    if (line === undefined) continue;
    for (const s of p.sources) if (s.path === path && s.line === undefined) s.line = line;
  }
}

function findLine(lines: readonly string[], p: Package): number | undefined {
  const name = new RegExp(`(^|["'/\\s:=])${escape(p.name)}(["'\\s:=\\[<>!~;,@]|$)`, p.ecosystem === "npm" ? "" : "i");
  let first: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    if (!name.test(lines[i]!)) continue;
    first ??= i + 1;
    if (p.version === undefined) return i + 1;
    for (let j = i; j < Math.min(lines.length, i + 1 + VERSION_WINDOW); j++) if (lines[j]!.includes(p.version)) return i + 1;
  }
  return first;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
