/**
 * Checks one chat template for server-side template injection, without rendering it: the template is
 * lexed and parsed with @huggingface/jinja (`tokenize` + `parse` only, never `Template.render`), then
 * the syntax tree is walked for expressions that reach Python internals (see hazards.ts).
 *
 * A template that does not parse is reported (the server cannot load it either) and then searched
 * token by token, so syntax this parser lacks cannot hide a payload. Size and nesting are capped.
 */
import { parse, tokenize } from "@huggingface/jinja";
import type { Severity } from "../../core/types.js";
import { asIdentifier, children, type CallNode, type JNode, type Role } from "./ast.js";
import { constString, flattenChain, isChainNode, printExpr, type Link } from "./expr.js";
import { chainHazards, combine, isInternalName, isModuleName, namesInternalAttribute } from "./hazards.js";
import { LineIndex, tokenOffsets, type LexToken } from "./positions.js";
import { prepareForLexer } from "./prepare.js";

/** Templates longer than this (in UTF-16 code units, about bytes for ASCII) are not checked. */
export const MAX_TEMPLATE_CHARS = 1 << 20;
/** Syntax trees deeper than this are not walked; real chat templates nest a few dozen levels. */
export const MAX_AST_DEPTH = 1000;
/** Findings per template past this are summarised in the last one: a hostile template cannot flood the report. */
export const MAX_ISSUES = 100;

/** One problem in a template. Positions are 1-based, within the template text. */
export interface TemplateIssue {
  ruleId: string;
  severity: Severity;
  message: string;
  /** The offending expression as Jinja source. */
  evidence?: string;
  line?: number;
  column?: number;
}

export interface TemplateLimits {
  maxChars: number;
  maxDepth: number;
}

const DEFAULT_LIMITS: TemplateLimits = { maxChars: MAX_TEMPLATE_CHARS, maxDepth: MAX_AST_DEPTH };

/** Every issue of a template, in reading order (the orchestrator sorts findings by severity). */
export function checkTemplate(template: string, limits: Partial<TemplateLimits> = {}): TemplateIssue[] {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  if (template.length > lim.maxChars) {
    return [unchecked(`it is ${template.length} characters long, over the limit of ${lim.maxChars}`)];
  }
  const prepared = prepareForLexer(template);
  const lines = new LineIndex(template);
  let tokens: ReturnType<typeof tokenize>;
  try {
    tokens = tokenize(prepared.text);
  } catch (e) {
    if (isStackOverflow(e)) return [unchecked("it nests too deeply to parse")];
    return [parseError(e), ...lexicalFallback(template, lines)];
  }
  const offsets = tokenOffsets(prepared.text, tokens).map((o) => (o < 0 ? -1 : prepared.toOriginal(o)));
  const locate = new Locator(template, tokens, offsets, lines);
  let program: JNode;
  try {
    program = parse(tokens);
  } catch (e) {
    if (isStackOverflow(e)) return [unchecked("it nests too deeply to parse")];
    return [parseError(e), ...tokenFallback(tokens, offsets, template, lines)];
  }
  const walker = new Walker(locate, lim.maxDepth);
  try {
    walker.countOccurrences(program);
  } catch (e) {
    if (e instanceof TooDeep) return [unchecked(`its syntax tree nests deeper than ${lim.maxDepth} levels`)];
    throw e;
  }
  walker.analyze(program, "statement");
  return capIssues(walker.issues);
}

/** The issue for a template that was not checked (too large, too deep, out of time): the artifact cannot be judged. */
export function unchecked(why: string): TemplateIssue {
  return { ruleId: "template/unchecked", severity: "low", message: `The template was not checked: ${why}` };
}

function parseError(e: unknown): TemplateIssue {
  // the parser reads past its last token (a TypeError) when a block or expression is never closed
  const detail = e instanceof TypeError ? "it ends inside an unclosed block or expression" : e instanceof Error ? e.message : String(e);
  return {
    ruleId: "template/parse-error",
    severity: "medium",
    message: `The template does not parse (${detail.slice(0, 200)}): a server cannot load it, and its text was only searched for dangerous names`,
  };
}

function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

function capIssues(issues: TemplateIssue[]): TemplateIssue[] {
  if (issues.length <= MAX_ISSUES) return issues;
  const kept = issues.slice(0, MAX_ISSUES);
  const last = kept[MAX_ISSUES - 1];
  kept[MAX_ISSUES - 1] = { ...last, message: `${last.message} (${issues.length - MAX_ISSUES} further findings in this template are not listed)` };
  return kept;
}

class TooDeep extends Error {}

/** What each kind of finding lets a template do when a server renders it without a sandbox. */
const CONSEQUENCE: Record<string, string> = {
  "template/code-execution": "a server that renders it outside a sandbox runs commands",
  "template/dunder-access": "from there a template reaches Python's builtins and runs code on any server that renders it outside a sandbox",
  "template/risky-call": "a server that renders it outside a sandbox lets it read files or reach Python internals",
  "template/context-object": "on a Flask server that object exposes the application's secrets",
};

/**
 * Maps a syntax-tree node to its position. The parser keeps no positions, but each Identifier node
 * comes from one Identifier token and each string constant from one run of adjacent string tokens
 * (the parser joins `'a' 'b'`), in source order. So the k-th node with a given name, counted in
 * source order, sits at the k-th token with that name.
 */
class Locator {
  private readonly byKey = new Map<string, number[]>();

  constructor(private readonly template: string, tokens: readonly LexToken[], offsets: readonly number[], private readonly lines: LineIndex) {
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.type === "Identifier") this.add(`I:${t.value}`, offsets[i]);
      else if (t.type === "StringLiteral" && tokens[i - 1]?.type !== "StringLiteral") {
        let value = t.value;
        let j = i + 1;
        for (; tokens[j]?.type === "StringLiteral"; j++) value += tokens[j].value;
        // `{{ 'text' }}` alone parses to the same node as template text, which the walker does not count
        const printedAlone = tokens[i - 1]?.type === "OpenExpression" && tokens[j]?.type === "CloseExpression";
        if (!printedAlone) this.add(`S:${value}`, offsets[i]);
      }
    }
  }

  private add(key: string, offset: number): void {
    const list = this.byKey.get(key);
    if (list) list.push(offset);
    else this.byKey.set(key, [offset]);
  }

  /** Position of the `occurrence`-th (0-based) token with this key; falls back to the first match of `text` in the template. */
  position(key: string, occurrence: number, text: string): { line?: number; column?: number } {
    const offset = this.byKey.get(key)?.[occurrence] ?? -1;
    const at = offset >= 0 ? offset : text ? this.template.indexOf(text) : -1;
    return at >= 0 ? this.lines.position(at) : {};
  }
}

/** Node key for the Locator, for nodes that come from one token (run). */
function nodeKey(node: JNode, role: Role): string | undefined {
  const v = (node as unknown as { value?: unknown }).value;
  if (node.type === "Identifier" && typeof v === "string") return `I:${v}`;
  if (node.type === "StringLiteral" && role === "expression" && typeof v === "string") return `S:${v}`;
  return undefined;
}

class Walker {
  readonly issues: TemplateIssue[] = [];
  /** Occurrence index of each located node, counted in source order. */
  private readonly occurrence = new Map<JNode, number>();
  /** Constant keys already reported as part of a chain, so the string check does not report them again. */
  private readonly covered = new Set<JNode>();

  constructor(private readonly locate: Locator, private readonly maxDepth: number) {}

  /** Numbers every Identifier and string constant in source order; enforces the depth cap for all later walks. */
  countOccurrences(root: JNode): void {
    const seen = new Map<string, number>();
    const visit = (node: JNode, role: Role, depth: number): void => {
      if (depth > this.maxDepth) throw new TooDeep();
      const key = nodeKey(node, role);
      if (key !== undefined) {
        const k = seen.get(key) ?? 0;
        this.occurrence.set(node, k);
        seen.set(key, k + 1);
      }
      for (const c of children(node)) visit(c.node, c.role, depth + 1);
    };
    visit(root, "statement", 0);
  }

  analyze(node: JNode, role: Role): void {
    // A `{{ expr }}` sits in its statement list like text does; only a string there is text (printing
    // a string constant, `{{ '__class__' }}`, is as harmless as writing it as text).
    if (!(role === "statement" && node.type === "StringLiteral")) {
      if (this.checkedAsConstant(node)) return;
      if (isChainNode(node)) return this.chain(node);
      if (node.type === "Identifier") return this.bareName(node);
    }
    for (const c of children(node)) this.analyze(c.node, c.role);
  }

  /** A constant string expression: reported when it spells an internal attribute name. True when handled. */
  private checkedAsConstant(node: JNode): boolean {
    if (node.type !== "StringLiteral" && node.type !== "BinaryExpression" && node.type !== "FilterExpression") return false;
    const s = constString(node);
    if (s === undefined) return false;
    if (!this.covered.has(node) && namesInternalAttribute(s)) {
      this.add(node, "template/dunder-access", "high", `spells the attribute name \`${s}\`, which only serves to reach Python internals indirectly`);
    }
    return true;
  }

  private bareName(node: JNode): void {
    const name = asIdentifier(node)?.value ?? "";
    if (isInternalName(name)) this.add(node, "template/dunder-access", "critical", `uses the internal name \`${name}\``);
  }

  private chain(root: JNode): void {
    const links = flattenChain(root);
    const hazards = chainHazards(links);
    for (const l of links) if (l.kind === "attr" && l.name !== undefined && l.keyNode) this.covered.add(l.keyNode);
    if (hazards.length > 0) {
      const { rule, severity, what } = combine(hazards);
      this.add(root, rule, severity, what);
    }
    for (const side of sideNodes(links)) this.analyze(side, "expression");
  }

  private add(node: JNode, ruleId: string, severity: Severity, what: string): void {
    const evidence = printExpr(node);
    const anchor = leftmostLeaf(node);
    const key = anchor ? nodeKey(anchor.node, anchor.role) : undefined;
    const pos = anchor && key ? this.locate.position(key, this.occurrence.get(anchor.node) ?? 0, key.slice(2)) : {};
    const where = pos.line !== undefined ? ` at line ${pos.line}, column ${pos.column}` : "";
    this.issues.push({
      ruleId,
      severity,
      message: `The template${where} ${what}: ${CONSEQUENCE[ruleId] ?? CONSEQUENCE["template/dunder-access"]}`,
      evidence,
      ...pos,
    });
  }
}

/** The parts of a chain that are expressions in their own right: a complex base, computed keys, arguments. */
function sideNodes(links: readonly Link[]): JNode[] {
  const out: JNode[] = [];
  for (const l of links) {
    if (l.kind === "base" && l.name === undefined) out.push(l.node);
    else if (l.kind === "attr" && l.keyNode && l.via !== "dot") out.push(l.keyNode);
    else if (l.kind === "call") out.push(...l.node.args);
    else if (l.kind === "filter" && l.node.filter.type === "CallExpression") out.push(...(l.node.filter as CallNode).args);
  }
  return out;
}

/** The first Identifier or string constant of an expression in source order: where its text starts. */
function leftmostLeaf(node: JNode): { node: JNode; role: Role } | undefined {
  let cur: { node: JNode; role: Role } = { node, role: "expression" };
  for (let i = 0; i < MAX_AST_DEPTH; i++) {
    if (cur.node.type === "Identifier" || cur.node.type === "StringLiteral") return cur;
    const first = children(cur.node)[0];
    if (!first) return undefined;
    cur = first;
  }
  return undefined;
}

/**
 * For a template that lexes but does not parse: every Identifier and string token is checked on its
 * own. Module names count only next to a dot (`os.popen`), as in the parsed case.
 */
function tokenFallback(tokens: readonly LexToken[], offsets: readonly number[], template: string, lines: LineIndex): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  tokens.forEach((t, i) => {
    const dotted = tokens[i - 1]?.type === "Dot" || tokens[i + 1]?.type === "Dot";
    let hit: Omit<TemplateIssue, "line" | "column"> | undefined;
    if (t.type === "Identifier" && isInternalName(t.value)) hit = lexicalIssue("template/dunder-access", "critical", `uses the internal name \`${t.value}\``, t.value);
    else if (t.type === "Identifier" && dotted && isModuleName(t.value)) hit = lexicalIssue("template/code-execution", "critical", `reaches the \`${t.value}\` module`, t.value);
    else if (t.type === "StringLiteral" && namesInternalAttribute(t.value)) hit = lexicalIssue("template/dunder-access", "high", `spells the attribute name \`${t.value}\``, `'${t.value}'`);
    if (hit) issues.push({ ...hit, ...(offsets[i] >= 0 ? lines.position(offsets[i]) : positionOf(template, t.value, lines)) });
  });
  return capIssues(issues);
}

/**
 * For a template the lexer rejects: names inside `{{ }}` and `{% %}` tags are checked as words.
 * Linear: each kind of opener is searched for once per tag, and after an opener without a closer no
 * later opener can have one either.
 */
function lexicalFallback(template: string, lines: LineIndex): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const openers = new Openers(template);
  for (let open = openers.next(0); open >= 0; ) {
    const close = template.indexOf(template[open + 1] === "{" ? "}}" : "%}", open + 2);
    const end = close < 0 ? template.length : close;
    for (const m of template.slice(open + 2, end).matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
      if (isInternalName(m[0])) {
        issues.push({ ...lexicalIssue("template/dunder-access", "critical", `uses the internal name \`${m[0]}\``, m[0]), ...lines.position(open + 2 + (m.index ?? 0)) });
      }
    }
    open = close < 0 ? -1 : openers.next(close + 2);
  }
  return capIssues(issues);
}

/** The next `{{` or `{%` at or after a position, remembering each kind's last hit so no search repeats. */
class Openers {
  private expr = -2;
  private stmt = -2;

  constructor(private readonly s: string) {}

  next(from: number): number {
    if (this.expr !== -1 && this.expr < from) this.expr = this.s.indexOf("{{", from);
    if (this.stmt !== -1 && this.stmt < from) this.stmt = this.s.indexOf("{%", from);
    if (this.expr < 0) return this.stmt;
    if (this.stmt < 0) return this.expr;
    return Math.min(this.expr, this.stmt);
  }
}

function lexicalIssue(ruleId: string, severity: Severity, what: string, evidence: string): Omit<TemplateIssue, "line" | "column"> {
  return { ruleId, severity, message: `The unparsable template ${what}: a renderer that accepts it can run code on the server`, evidence };
}

function positionOf(template: string, text: string, lines: LineIndex): { line?: number; column?: number } {
  const at = template.indexOf(text);
  return at >= 0 ? lines.position(at) : {};
}
