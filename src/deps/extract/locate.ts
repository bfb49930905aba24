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
  const index = tokenLines(lines);
  for (const p of missing) {
    const line = findLine(lines, index, p);
    if (line === undefined) continue;
    for (const s of p.sources) if (s.path === path && s.line === undefined) s.line = line;
  }
}

/**
 * Every name-like token -> the 1-based lines it appears on, in order; also the part after the last
 * `/` (`node_modules/@s/x` names `@s/x`... and `x`). One pass over the file instead of one per package.
 */
function tokenLines(lines: readonly string[]): Map<string, number[]> {
  const index = new Map<string, number[]>();
  const add = (token: string, line: number) => {
    const list = index.get(token);
    if (list === undefined) index.set(token, [line]);
    else if (list[list.length - 1] !== line) list.push(line);
  };
  lines.forEach((text, i) => {
    for (const m of text.matchAll(/[A-Za-z0-9@][A-Za-z0-9._@/-]*/g)) {
      const token = m[0];
      add(token, i + 1);
      add(token.toLowerCase(), i + 1);
      const at = token.lastIndexOf("node_modules/");
      if (at >= 0) add(token.slice(at + "node_modules/".length), i + 1);
    }
  });
  return index;
}

function findLine(lines: readonly string[], index: ReadonlyMap<string, number[]>, p: Package): number | undefined {
  const candidates = index.get(p.name) ?? index.get(p.name.toLowerCase()) ?? [];
  if (p.version === undefined) return candidates[0];
  for (const line of candidates) {
    for (let j = line - 1; j < Math.min(lines.length, line + VERSION_WINDOW); j++) if (lines[j]!.includes(p.version)) return line;
  }
  return candidates[0];
}
