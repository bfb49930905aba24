/**
 * pip's requirements-file syntax, line by line, as pip's `req_file.py` reads it:
 * 1. a line ending in `\` continues on the next (how `--hash` lists are written);
 * 2. `#` at the start or after whitespace starts a comment;
 * 3. a line starting with `-` is an option: `-r`/`--requirement` and `-c`/`--constraint` include
 *    another file, `-e`/`--editable` names an editable install, the rest (index URLs, `--pre`, ...)
 *    do not change what is installed from which release and are skipped;
 * 4. anything else is a requirement, followed by per-requirement options (`--hash=...`) that start at
 *    the first space-separated token beginning with `-`.
 * This module only splits and classifies lines; `extractor.ts` follows includes and builds packages.
 */

export type RequirementsLine =
  | { kind: "requirement"; line: number; text: string }
  | { kind: "include"; line: number; target: string; constraint: boolean }
  | { kind: "editable"; line: number; target: string }
  | { kind: "option"; line: number; option: string }
  | { kind: "invalid"; line: number; text: string; message: string };

export function splitRequirementsText(text: string): RequirementsLine[] {
  const out: RequirementsLine[] = [];
  for (const { line, content } of logicalLines(text)) {
    const stripped = content.replace(/(^|\s+)#.*$/, "").trim();
    if (stripped === "") continue;
    out.push(classify(stripped, line));
  }
  return out;
}

/** Joins `\`-continued lines; each logical line keeps the number of its first physical line. */
function logicalLines(text: string): { line: number; content: string }[] {
  const physical = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  const out: { line: number; content: string }[] = [];
  let start = 0;
  let buffer: string | undefined;
  physical.forEach((raw, i) => {
    if (buffer === undefined) start = i + 1;
    // pip drops the comment of a continued line before joining, so `foo \  # c` still continues.
    if (/\\$/.test(raw) && !/(^|\s)#/.test(raw)) {
      buffer = (buffer ?? "") + raw.slice(0, -1);
      return;
    }
    out.push({ line: start, content: (buffer ?? "") + raw });
    buffer = undefined;
  });
  if (buffer !== undefined) out.push({ line: start, content: buffer });
  return out;
}

function classify(text: string, line: number): RequirementsLine {
  if (!text.startsWith("-")) return { kind: "requirement", line, text: requirementPart(text) };
  const m = /^(--?[A-Za-z][\w-]*)(?:=|\s+)?(.*)$/.exec(text);
  const option = m?.[1] ?? text;
  let value = (m?.[2] ?? "").trim();
  // `-rfile.txt` and `-efoo` glue the value to a short option.
  const glued = /^-([rce])(\S.*)$/.exec(text);
  const name = glued && !text.startsWith("--") ? `-${glued[1]}` : option;
  if (glued && !text.startsWith("--")) value = glued[2]!.trim();
  switch (name) {
    case "-r":
    case "--requirement":
    case "-c":
    case "--constraint":
      if (value === "") return { kind: "invalid", line, text, message: `${name} needs a file name` };
      return { kind: "include", line, target: unquote(value.split(/\s+/)[0]!), constraint: name === "-c" || name === "--constraint" };
    case "-e":
    case "--editable":
      if (value === "") return { kind: "invalid", line, text, message: `${name} needs a path or URL` };
      return { kind: "editable", line, target: unquote(value.split(/\s+/)[0]!) };
    default:
      // Global options such as --index-url change where packages come from, not which versions.
      return { kind: "option", line, option };
  }
}

/** The requirement itself: tokens up to the first one starting with `-` (`--hash=...` and friends). */
function requirementPart(text: string): string {
  const tokens = text.split(" ");
  const cut = tokens.findIndex((t) => t.startsWith("-"));
  return (cut < 0 ? tokens : tokens.slice(0, cut)).join(" ").trim();
}

function unquote(s: string): string {
  return s.replace(/^(["'])(.*)\1$/, "$2");
}
