/**
 * Parsing Python with tree-sitter (web-tree-sitter with tree-sitter-python's WebAssembly grammar: the
 * grammar's native build is disabled in this project). Parsing builds a syntax tree and nothing else:
 * no Python runs. The runtime and grammar load once per process; each parse is bounded in time.
 */
import { createRequire } from "node:module";
import { Language, Parser, type Tree } from "web-tree-sitter";

let language: Promise<Language> | undefined;

function pythonLanguage(): Promise<Language> {
  language ??= Parser.init().then(() => Language.load(createRequire(import.meta.url).resolve("tree-sitter-python/tree-sitter-python.wasm")));
  return language;
}

export interface ParseLimits {
  /** Wall-clock milliseconds the parser may take before it is cancelled. */
  timeMs: number;
  signal: AbortSignal;
}

/**
 * The syntax tree of `source`, or undefined when parsing ran out of time (or the scan was aborted).
 * The caller deletes the tree (it lives in WebAssembly memory).
 */
export async function parsePython(source: string, limits: ParseLimits): Promise<Tree | undefined> {
  const lang = await pythonLanguage(); // also initialises the runtime, which `new Parser()` needs
  const parser = new Parser();
  try {
    parser.setLanguage(lang);
    const deadline = Date.now() + limits.timeMs;
    // The declared type says void, but a true return cancels the parse (documented behaviour).
    const progressCallback = (() => Date.now() > deadline || limits.signal.aborted) as unknown as () => void;
    return parser.parse(source, null, { progressCallback }) ?? undefined;
  } finally {
    parser.delete();
  }
}
