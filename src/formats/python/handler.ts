/**
 * Python source shipped with a model (Hugging Face `trust_remote_code` modules, custom pipelines):
 * loading such a model imports these files, so they are code that runs on load. The handler reads the
 * source (under a size cap), parses it with tree-sitter (under a time cap), confirms that a file
 * claimed by content alone really is Python, and reports what the analysis finds, each finding with
 * its line, column and source line. Nothing is executed.
 */
import { readCapped } from "../common.js";
import type { Node, Tree } from "web-tree-sitter";
import type { ByteSource } from "../../core/source.js";
import type { FormatHandler, ScanContext } from "../types.js";
import { analyse, type PyFinding } from "./analyse.js";
import { parsePython } from "./parser.js";
import { hasPythonName, sniffPython } from "./sniff.js";

/** Larger sources are not parsed: model code is kilobytes; megabytes of Python are generated or hostile. */
export const PYTHON_LIMITS = { sourceBytes: 2 * 1024 * 1024, parseMs: 10_000 };
/** Evidence lines are cut to this many characters (a minified payload can be one huge line). */
const EVIDENCE_CHARS = 200;
/** A file claimed by content alone is text, not Python, when more of it than this fails to parse. */
const MAX_ERROR_SHARE = 0.2;

export const pythonHandler: FormatHandler = {
  id: "python",
  access: "stream",
  sniff: sniffPython,
  scan: scanPython,
};

async function scanPython(source: ByteSource, ctx: ScanContext): Promise<string | undefined> {
  const bytes = await readCapped(source, PYTHON_LIMITS.sourceBytes, ctx.signal);
  if (!bytes) return tooLarge(ctx);
  const text = decode(bytes);
  const tree = await parsePython(text, { timeMs: PYTHON_LIMITS.parseMs, signal: ctx.signal });
  if (!tree) return tooSlow(ctx);
  try {
    const named = hasPythonName(memberName(ctx));
    if (!named && !looksLikePython(tree.rootNode)) return "text";
    const { findings, names } = analyse(tree.rootNode);
    const lines = text.split("\n");
    for (const f of findings) report(ctx, f, lines);
    reportSyntaxErrors(ctx, tree, lines);
    ctx.setMetadata("python", { lines: lineCount(text), imports: [...names.modules].sort() });
    return undefined;
  } finally {
    tree.delete();
  }
}


/** UTF-8 without a BOM; undecodable bytes become U+FFFD (PEP 263 cookies for other encodings are rare in model code). */
function decode(bytes: Uint8Array): string {
  return new TextDecoder("utf-8").decode(bytes);
}

function memberName(ctx: ScanContext): string {
  const path = ctx.memberPath || ctx.artifactPath;
  return path.slice(path.lastIndexOf("/") + 1);
}

/**
 * A file without a `.py` name was claimed on a few lines of its head: it counts as Python when it
 * mostly parses and has top-level import, def or class statements.
 */
function looksLikePython(root: Node): boolean {
  const errorBytes = root.descendantsOfType("ERROR").reduce((sum, n) => sum + (n.endIndex - n.startIndex), 0);
  if (errorBytes > MAX_ERROR_SHARE * Math.max(1, root.endIndex)) return false;
  const statements = new Set(["import_statement", "import_from_statement", "function_definition", "class_definition", "decorated_definition"]);
  return root.namedChildren.some((c) => statements.has(c.type));
}

function report(ctx: ScanContext, f: PyFinding, lines: string[]): void {
  const { row, column } = f.node.startPosition;
  ctx.report({
    ruleId: f.ruleId,
    severity: f.severity,
    message: `Line ${row + 1}: ${f.message}`,
    location: { line: row + 1, column: column + 1 },
    evidence: evidenceLine(lines, row),
  });
}

/** Lines as an editor counts them: a final newline ends the last line rather than starting another. */
function lineCount(text: string): number {
  if (text === "") return 0;
  const breaks = text.split("\n").length - 1;
  return text.endsWith("\n") ? breaks : breaks + 1;
}

/** The source line, trimmed and cut to EVIDENCE_CHARS. */
function evidenceLine(lines: string[], row: number): string {
  const line = (lines[row] ?? "").trim();
  return line.length > EVIDENCE_CHARS ? `${line.slice(0, EVIDENCE_CHARS)}...` : line;
}

/** One info finding at the first region that did not parse, with the count of such regions. */
function reportSyntaxErrors(ctx: ScanContext, tree: Tree, lines: string[]): void {
  if (!tree.rootNode.hasError) return;
  const errors = tree.rootNode.descendantsOfType("ERROR");
  const missing = errors.length === 0 ? firstMissing(tree.rootNode) : undefined;
  const first = errors[0] ?? missing;
  if (!first) return;
  const { row, column } = first.startPosition;
  ctx.report({
    ruleId: "python/syntax-error",
    message: `Line ${row + 1}: ${Math.max(1, errors.length)} region(s) of the source did not parse; the rest was analysed`,
    location: { line: row + 1, column: column + 1 },
    evidence: evidenceLine(lines, row),
  });
}

/** The first node the parser had to invent (a missing `)` or `:`), found without recursion. */
function firstMissing(root: Node): Node | undefined {
  const cursor = root.walk();
  try {
    for (;;) {
      if (cursor.currentNode.isMissing) return cursor.currentNode;
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return undefined;
    }
  } finally {
    cursor.delete();
  }
}

function tooLarge(ctx: ScanContext): undefined {
  ctx.report({
    ruleId: "scan/budget-exceeded",
    message: `The Python source is larger than ${PYTHON_LIMITS.sourceBytes} bytes and was not analysed`,
  });
  return undefined;
}

function tooSlow(ctx: ScanContext): undefined {
  if (ctx.signal.aborted) {
    ctx.markIncomplete();
    return undefined;
  }
  ctx.report({
    ruleId: "scan/budget-exceeded",
    message: `Parsing the Python source took longer than ${PYTHON_LIMITS.parseMs} ms and was stopped; it was not analysed`,
  });
  return undefined;
}
