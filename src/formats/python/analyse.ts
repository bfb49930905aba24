/**
 * The checks on a Python syntax tree. One pass over the nodes:
 *
 *   names (identifiers, attribute chains) -> process execution, dynamic code
 *   calls -> network, files outside the folder, getattr with computed names, decoded data run as code
 *   literals and chr() expressions -> obfuscation
 *
 * Findings carry the node they were found at; the handler turns nodes into line, column and evidence.
 * One finding per rule and line (the most severe), so a line such as
 * `subprocess.run(cmd, shell=True, stdout=subprocess.PIPE)` is reported once.
 */
import type { Node } from "web-tree-sitter";
import type { Severity } from "../../core/types.js";
import { fileAccess, isDecoder, isDynamicCode, isExecSink, isNetwork, isProcessExec, isSensitiveModule } from "./catalogue.js";
import { NameTable, stringLiteral } from "./names.js";

export interface PyFinding {
  ruleId: "python/process-exec" | "python/dynamic-code" | "python/network" | "python/obfuscation" | "python/filesystem";
  severity: Severity;
  message: string;
  node: Node;
}

/** Encoded literals shorter than this are ordinary constants (hashes, keys, short tokens). */
export const ENCODED_LITERAL_MIN = 200;
/** chr() calls in one expression from which it counts as a string spelled out to hide it. */
const CHR_CALLS_MIN = 4;

/** Positions where an identifier names something rather than uses it. */
const DEFINING_PARENTS = new Set([
  "import_statement", "import_from_statement", "dotted_name", "aliased_import", "relative_import",
  "parameters", "lambda_parameters", "default_parameter", "typed_parameter", "typed_default_parameter",
  "global_statement", "nonlocal_statement", "attribute",
]);

/** The field of a node that binds a name (`eval = ...`, `def exec(...)`, `f(eval=1)`), by node type. */
const DEFINING_FIELDS: Record<string, string> = {
  assignment: "left",
  augmented_assignment: "left",
  for_statement: "left",
  for_in_clause: "left",
  keyword_argument: "name",
  function_definition: "name",
  class_definition: "name",
};

export function analyse(root: Node): { findings: PyFinding[]; names: NameTable } {
  const names = NameTable.fromTree(root);
  const analysis = new Analysis(names, encodedVariables(root, names));
  const cursor = root.walk();
  try {
    // iterative pre-order walk: deeply nested expressions must not exhaust the JS stack
    for (;;) {
      analysis.visit(cursor.currentNode);
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return { findings: analysis.results(), names };
      }
    }
  } finally {
    cursor.delete();
  }
}

class Analysis {
  /** `rule:line` -> the most severe finding for it. */
  private readonly byLine = new Map<string, PyFinding>();

  constructor(private readonly names: NameTable, private readonly encoded: Set<string>) {}

  visit(node: Node): void {
    switch (node.type) {
      case "identifier":
      case "attribute":
        return this.checkReference(node);
      case "call":
        return this.checkCall(node);
      case "string":
      case "concatenated_string":
        return this.checkLiteral(node);
      case "binary_operator":
        return this.checkChrConcatenation(node);
      case "import_from_statement":
        return this.checkStarImport(node);
    }
  }

  /** `from socket import *`: every later bare name may be a network call, so the import itself is reported. */
  private checkStarImport(node: Node): void {
    const module = node.childForFieldName("module_name");
    if (!module || module.type === "relative_import" || !node.namedChildren.some((c) => c.type === "wildcard_import")) return;
    if (isNetwork(module.text)) this.add("python/network", "medium", `imports everything from ${module.text}, a network module`, node);
  }

  results(): PyFinding[] {
    return [...this.byLine.values()].sort((a, b) => a.node.startIndex - b.node.startIndex || a.ruleId.localeCompare(b.ruleId));
  }

  /** A name that is (or reaches) a process-starting or code-running function, called or not. */
  private checkReference(node: Node): void {
    if (!isUse(node)) return;
    const q = this.resolve(node);
    if (!q) return;
    const verb = isCallee(node) ? "calls" : "refers to";
    if (isProcessExec(q)) this.add("python/process-exec", "high", `${verb} ${q}, which runs a system command or program`, node);
    else if (isDynamicCode(q)) this.add("python/dynamic-code", "high", `${verb} ${q}, which runs or imports code chosen at run time`, node);
  }

  private checkCall(call: Node): void {
    const fn = call.childForFieldName("function");
    const args = call.childForFieldName("arguments");
    const q = fn ? this.resolve(fn) : undefined;
    if (!q || !args) return this.checkChrJoin(call, fn, args);
    if (isNetwork(q)) this.add("python/network", "medium", `calls ${q}, which uses the network`, call);
    const access = fileAccess(q);
    if (access) this.checkFileAccess(call, q, access, args);
    if (q === "builtins.getattr") this.checkGetattr(call, args);
    if (isExecSink(q)) this.checkExecArgument(call, q, args);
  }

  /** `open("/etc/passwd")`, `shutil.rmtree(path)`: absolute or `..` literals, and deletions. */
  private checkFileAccess(call: Node, q: string, access: "open" | "delete", args: Node): void {
    const first = args.namedChildren[0];
    if (!first || first.type === "keyword_argument") return;
    const outside = literalsIn(first).find(leavesFolder);
    if (outside !== undefined) {
      const what = access === "delete" ? "deletes" : "opens";
      this.add("python/filesystem", "medium", `${what} "${outside}" with ${q}, a path outside the model folder`, call);
    } else if (access === "delete" && stringLiteral(first) === undefined) {
      this.add("python/filesystem", "low", `deletes a computed path with ${q}`, call);
    }
  }

  /** `getattr(os, "system")` is `os.system`; `getattr(os, name)` could be anything in `os`. */
  private checkGetattr(call: Node, args: Node): void {
    const [target, attr] = args.namedChildren;
    if (!target || !attr || !this.names.isImported(target)) return;
    const module = this.resolve(target)!;
    const literal = stringLiteral(attr);
    if (literal === undefined) {
      // A computed name on os or builtins can reach anything that runs code; on torch.nn it usually
      // picks an activation. Low there: visible in the report, not a verdict on its own.
      const severity = isSensitiveModule(module) ? "high" : "low";
      this.add("python/dynamic-code", severity, `getattr on module ${module} with a computed attribute name`, call);
      return;
    }
    const q = `${module}.${literal}`;
    if (isProcessExec(q)) this.add("python/process-exec", "high", `reaches ${q} through getattr, which runs a system command or program`, call);
    else if (isDynamicCode(q)) this.add("python/dynamic-code", "high", `reaches ${q} through getattr, which runs code chosen at run time`, call);
  }

  /** exec/eval/compile fed decoded data, an encoded literal or a chr()-built string. */
  private checkExecArgument(call: Node, q: string, args: Node): void {
    const hidden = this.hiddenCode(args);
    if (hidden) this.add("python/obfuscation", "high", `${q} runs ${hidden}`, call);
  }

  private hiddenCode(args: Node): string | undefined {
    for (const inner of args.descendantsOfType("call")) {
      const fn = inner.childForFieldName("function");
      const q = fn ? this.resolve(fn) : undefined;
      if (q && isDecoder(q)) return `data decoded with ${q}`;
    }
    for (const id of args.descendantsOfType("identifier")) {
      if (this.encoded.has(id.text)) return `"${id.text}", which holds decoded or encoded data`;
    }
    if (args.descendantsOfType(["string", "concatenated_string"]).some((s) => isEncodedBlob(stringLiteral(s)))) return "an encoded string literal";
    if (this.chrCalls(args) >= CHR_CALLS_MIN || this.joinsChr(args)) return "a string assembled from chr() calls";
    return undefined;
  }

  /** A long base64/hex-like literal on its own: hidden data, possibly code (medium until it reaches exec). */
  private checkLiteral(node: Node): void {
    if (node.type === "string" && node.parent?.type === "concatenated_string") return;
    const value = stringLiteral(node);
    if (isEncodedBlob(value)) {
      this.add("python/obfuscation", "medium", `holds a ${value!.length}-character encoded string literal`, node);
    }
  }

  /** `chr(111) + chr(115) + ...`: counted once, at the outermost operator. */
  private checkChrConcatenation(node: Node): void {
    if (node.parent?.type === "binary_operator") return;
    if (this.chrCalls(node) >= CHR_CALLS_MIN) this.add("python/obfuscation", "medium", "builds a string from chr() calls", node);
  }

  /** `"".join(chr(c) for c in [...])` or `"".join(map(chr, [...]))`. */
  private checkChrJoin(call: Node, fn: Node | null, args: Node | null): void {
    if (!fn || !args || fn.type !== "attribute" || fn.childForFieldName("attribute")?.text !== "join") return;
    if (this.joinsChr(args)) this.add("python/obfuscation", "medium", "joins a string from chr() calls", call);
  }

  private joinsChr(node: Node): boolean {
    return node.descendantsOfType("identifier").some((id) => id.text === "chr" && this.resolve(id) === "builtins.chr");
  }

  private chrCalls(node: Node): number {
    return node.descendantsOfType("call").filter((c) => {
      const fn = c.childForFieldName("function");
      return fn !== null && fn.type === "identifier" && this.resolve(fn) === "builtins.chr";
    }).length;
  }

  private resolve(node: Node): string | undefined {
    if (node.type === "identifier") {
      return this.names.resolveIdentifier(node.text, (q) => isProcessExec(q) || isDynamicCode(q) || isDecoder(q) || fileAccess(q) !== undefined);
    }
    return this.names.resolve(node);
  }

  private add(ruleId: PyFinding["ruleId"], severity: Severity, message: string, node: Node): void {
    const key = `${ruleId}:${node.startPosition.row}`;
    const prior = this.byLine.get(key);
    if (prior && rank(prior.severity) >= rank(severity)) return;
    this.byLine.set(key, { ruleId, severity, message, node });
  }
}

function rank(s: Severity): number {
  return ["info", "low", "medium", "high", "critical"].indexOf(s);
}

/**
 * True for an identifier or attribute chain used as a value: not a name being defined or imported,
 * not a keyword argument's name, and not a piece of a longer chain (the chain is checked whole).
 */
function isUse(node: Node): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (node.type === "identifier" && DEFINING_PARENTS.has(parent.type)) return false;
  if (node.type === "attribute" && parent.type === "attribute" && sameNode(parent.childForFieldName("object"), node)) return false;
  const field = DEFINING_FIELDS[parent.type];
  return field === undefined || !sameNode(parent.childForFieldName(field), node);
}

function isCallee(node: Node): boolean {
  return node.parent?.type === "call" && sameNode(node.parent.childForFieldName("function"), node);
}

function sameNode(a: Node | null, b: Node): boolean {
  return a !== null && a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;
}

/** The string literals in an expression (the path argument of an open, possibly built with os.path.join). */
function literalsIn(node: Node): string[] {
  const out: string[] = [];
  for (const s of node.descendantsOfType(["string", "concatenated_string"])) {
    if (s.type === "string" && s.parent?.type === "concatenated_string") continue;
    const v = stringLiteral(s);
    if (v !== undefined) out.push(v);
  }
  return out;
}

/** An absolute path (`/`, `~`, a drive) or one with a `..` segment. */
function leavesFolder(path: string): boolean {
  return /^([/\\~]|[A-Za-z]:[/\\])/.test(path) || path.split(/[/\\]/).includes("..");
}

/**
 * A long run of base64 or hex characters (line breaks allowed, no spaces), with enough distinct
 * characters to be encoded data rather than a repeated filler.
 */
export function isEncodedBlob(value: string | undefined): boolean {
  if (value === undefined || value.length < ENCODED_LITERAL_MIN || value.includes(" ")) return false;
  const compact = value.replace(/\\\r?\n|\\n|[\r\n\t]/g, "");
  return compact.length >= ENCODED_LITERAL_MIN && /^[A-Za-z0-9+/_-]+={0,2}$/.test(compact) && new Set(compact).size >= 16;
}

/**
 * Variables assigned from decoded data, encoded literals or chr()-built strings (and variables copied
 * from those), in source order: `code = base64.b64decode(s)` then `exec(code)` is exec of decoded data.
 */
function encodedVariables(root: Node, names: NameTable): Set<string> {
  const encoded = new Set<string>();
  for (const assignment of root.descendantsOfType("assignment")) {
    const left = assignment.childForFieldName("left");
    const right = assignment.childForFieldName("right");
    if (!left || !right || left.type !== "identifier") continue;
    if (carriesEncoded(right, names, encoded)) encoded.add(left.text);
  }
  return encoded;
}

function carriesEncoded(expr: Node, names: NameTable, encoded: Set<string>): boolean {
  for (const call of expr.descendantsOfType("call")) {
    const fn = call.childForFieldName("function");
    const q = fn ? (fn.type === "identifier" ? names.resolveIdentifier(fn.text, isDecoder) : names.resolve(fn)) : undefined;
    if (q && isDecoder(q)) return true;
    if (q === "builtins.chr") return true;
  }
  if (expr.descendantsOfType("identifier").some((id) => encoded.has(id.text))) return true;
  return expr.descendantsOfType(["string", "concatenated_string"]).some((s) => isEncodedBlob(stringLiteral(s)));
}
