/**
 * Reading expressions without evaluating them: folding constant strings (so `'__cla' ~ 'ss__'` is seen
 * as `__class__`), flattening attribute/call/filter chains into their links, and printing an
 * expression back as evidence.
 */
import {
  asIdentifier,
  type BinaryNode,
  type CallNode,
  type FilterNode,
  type JNode,
  type KeywordArgumentNode,
  type LiteralListNode,
  type MemberNode,
} from "./ast.js";

/** Folded strings longer than this are not folded further: names are short, and folding must stay cheap. */
const MAX_FOLDED = 4096;

/**
 * The string value of a constant expression: a literal, `+`/`~` concatenations, `str * n`, and the
 * string filters that attackers use to spell a name without writing it (`join`, `lower`, `upper`,
 * `reverse`, `replace`). Undefined when the value depends on anything else.
 */
export function constString(node: JNode): string | undefined {
  const v = fold(node);
  return typeof v === "string" ? v : undefined;
}

/**
 * Folded values by node. The walker asks about every sub-expression of a long `a ~ b ~ c ...` chain,
 * and each question would otherwise fold the whole chain below it again (quadratic in its length).
 * Keyed weakly by node, so a parsed template's entries go with its tree.
 */
const folded = new WeakMap<JNode, string | number | undefined>();

function fold(node: JNode): string | number | undefined {
  if (folded.has(node)) return folded.get(node);
  const v = foldOnce(node);
  folded.set(node, v);
  return v;
}

function foldOnce(node: JNode): string | number | undefined {
  switch (node.type) {
    case "StringLiteral":
      return (node as unknown as { value: string }).value;
    case "IntegerLiteral":
      return (node as unknown as { value: number }).value;
    case "BinaryExpression":
      return foldBinary(node as BinaryNode);
    case "FilterExpression":
      return foldFilter(node as FilterNode);
    default:
      return undefined;
  }
}

function foldBinary(node: BinaryNode): string | undefined {
  const op = node.operator.value;
  const l = fold(node.left);
  const r = fold(node.right);
  if ((op === "+" || op === "~") && typeof l === "string" && (typeof r === "string" || (op === "~" && typeof r === "number"))) {
    return capped(l + String(r));
  }
  if (op === "*" && typeof l === "string" && typeof r === "number" && r >= 0 && l.length * r <= MAX_FOLDED) return l.repeat(r);
  return undefined;
}

function foldFilter(node: FilterNode): string | undefined {
  const { name, args } = filterParts(node);
  if (name === "join" && node.operand.type === "ArrayLiteral") {
    const parts = (node.operand as LiteralListNode).value.map(fold);
    if (!parts.every((p) => typeof p === "string" || typeof p === "number")) return undefined;
    const sep = args.length > 0 ? fold(args[0]) : "";
    return typeof sep === "string" ? capped(parts.join(sep)) : undefined;
  }
  const s = fold(node.operand);
  if (typeof s !== "string") return undefined;
  if (name === "lower") return s.toLowerCase();
  if (name === "upper") return s.toUpperCase();
  if (name === "reverse") return [...s].reverse().join("");
  if (name === "string") return s;
  if (name === "replace" && args.length >= 2) {
    const [from, to] = args.map(fold);
    if (typeof from === "string" && typeof to === "string" && from !== "") return capped(s.split(from).join(to));
  }
  return undefined;
}

function capped(s: string): string | undefined {
  return s.length <= MAX_FOLDED ? s : undefined;
}

/** A filter's name and arguments, from `x|name` or `x|name(args)`. */
export function filterParts(node: FilterNode): { name: string | undefined; args: JNode[] } {
  const f = node.filter;
  if (f.type === "CallExpression") {
    const call = f as CallNode;
    return { name: asIdentifier(call.callee)?.value, args: call.args };
  }
  return { name: asIdentifier(f)?.value, args: [] };
}

/** One step of a chain such as `cycler.__init__.__globals__.os.popen('id').read()`. */
export type Link =
  /** Where the chain starts: a name (`cycler`) or any other expression (`''`, `(a or b)`). */
  | { kind: "base"; node: JNode; name?: string }
  /**
   * An attribute or item lookup: `.name`, `['name']`, `|attr('name')`, or a filter's `attribute='name'`.
   * `name` is undefined when the key is not a constant; `keyNode` is the node holding the key.
   */
  | { kind: "attr"; name?: string; via: "dot" | "subscript" | "attr-filter" | "attribute-argument"; keyNode?: JNode }
  | { kind: "call"; node: CallNode }
  | { kind: "filter"; name?: string; node: FilterNode };

/** True for the nodes that extend a chain (and so can be its root). */
export function isChainNode(node: JNode): boolean {
  return node.type === "MemberExpression" || node.type === "CallExpression" || node.type === "FilterExpression";
}

/** The links of a chain, base first. Iterative: a chain can be as long as the template. */
export function flattenChain(root: JNode): Link[] {
  const reversed: Link[] = [];
  let node = root;
  for (;;) {
    if (node.type === "MemberExpression") {
      const m = node as MemberNode;
      reversed.push({ kind: "attr", name: memberName(m), via: m.computed ? "subscript" : "dot", keyNode: m.property });
      node = m.object;
    } else if (node.type === "CallExpression") {
      reversed.push({ kind: "call", node: node as CallNode });
      node = (node as CallNode).callee;
    } else if (node.type === "FilterExpression") {
      reversed.push(...filterLinks(node as FilterNode).reverse());
      node = (node as FilterNode).operand;
    } else {
      reversed.push({ kind: "base", node, name: asIdentifier(node)?.value });
      return reversed.reverse();
    }
  }
}

function memberName(m: MemberNode): string | undefined {
  if (!m.computed) {
    const p = m.property as unknown as { value: unknown };
    return typeof p.value === "string" || typeof p.value === "number" ? String(p.value) : undefined;
  }
  return constString(m.property);
}

/**
 * A filter as chain links. `|attr(name)` is an attribute lookup; filters that take an `attribute`
 * argument (`map`, `selectattr`, `sort`, `groupby`, `sum`, ...) look attributes up too, so that
 * argument becomes a lookup link after the filter.
 */
function filterLinks(f: FilterNode): Link[] {
  const { name, args } = filterParts(f);
  if (name === "attr") {
    const key = args[0];
    return [{ kind: "attr", name: key ? constString(key) : undefined, via: "attr-filter", ...(key ? { keyNode: key } : {}) }];
  }
  const links: Link[] = [{ kind: "filter", name, node: f }];
  for (const arg of args) {
    if (arg.type === "KeywordArgumentExpression" && (arg as KeywordArgumentNode).key.value === "attribute") {
      const value = (arg as KeywordArgumentNode).value;
      links.push({ kind: "attr", name: constString(value), via: "attribute-argument", keyNode: value });
    }
  }
  return links;
}

/** Printed expressions stop growing here (evidence must stay readable and cheap to build). */
export const MAX_EVIDENCE = 240;

/** The expression as Jinja source, shortened with `…` past MAX_EVIDENCE characters. */
export function printExpr(node: JNode): string {
  const out = new Printer();
  out.expr(node);
  return out.text();
}

class Printer {
  private parts: string[] = [];
  private length = 0;

  text(): string {
    const s = this.parts.join("");
    return s.length > MAX_EVIDENCE ? `${s.slice(0, MAX_EVIDENCE - 1)}…` : s;
  }

  private put(s: string): void {
    if (this.length > MAX_EVIDENCE) return;
    this.parts.push(s);
    this.length += s.length;
  }

  private list(nodes: readonly JNode[], sep = ", "): void {
    nodes.forEach((n, i) => {
      if (i > 0) this.put(sep);
      this.expr(n);
    });
  }

  expr(node: JNode): void {
    if (this.length > MAX_EVIDENCE) return;
    const n = node as unknown as Record<string, unknown>;
    switch (node.type) {
      case "Identifier":
        return this.put(String(n.value));
      case "StringLiteral":
        return this.put(quote(String(n.value).slice(0, MAX_EVIDENCE)));
      case "IntegerLiteral":
      case "FloatLiteral":
        return this.put(String(n.value));
      case "MemberExpression":
        return this.member(node as MemberNode);
      case "CallExpression":
        this.expr((node as CallNode).callee);
        this.put("(");
        this.list((node as CallNode).args);
        return this.put(")");
      case "FilterExpression":
        this.expr((node as FilterNode).operand);
        this.put("|");
        return this.expr((node as FilterNode).filter);
      case "BinaryExpression": {
        const b = node as BinaryNode;
        this.expr(b.left);
        this.put(` ${b.operator.value} `);
        return this.expr(b.right);
      }
      case "UnaryExpression": {
        const op = (n.operator as { value: string }).value;
        this.put(op === "not" ? "not " : op);
        return this.expr(n.argument as JNode);
      }
      case "KeywordArgumentExpression":
        this.put(`${(node as KeywordArgumentNode).key.value}=`);
        return this.expr((node as KeywordArgumentNode).value);
      case "ArrayLiteral":
        this.put("[");
        this.list((node as LiteralListNode).value);
        return this.put("]");
      case "TupleLiteral":
        this.put("(");
        this.list((node as LiteralListNode).value);
        return this.put(")");
      case "SpreadExpression":
        this.put("*");
        return this.expr(n.argument as JNode);
      case "KeywordSpreadExpression":
        this.put("**");
        return this.expr(n.argument as JNode);
      case "TestExpression":
        this.expr(n.operand as JNode);
        this.put(n.negate ? " is not " : " is ");
        return this.expr(n.test as JNode);
      case "Ternary":
        this.expr(n.trueExpr as JNode);
        this.put(" if ");
        this.expr(n.condition as JNode);
        this.put(" else ");
        return this.expr(n.falseExpr as JNode);
      default:
        return this.put("…");
    }
  }

  private member(m: MemberNode): void {
    this.expr(m.object);
    if (m.computed) {
      this.put("[");
      if (m.property.type === "SliceExpression") this.slice(m.property);
      else this.expr(m.property);
      this.put("]");
    } else {
      this.put(".");
      this.expr(m.property);
    }
  }

  private slice(s: JNode): void {
    const n = s as unknown as { start?: JNode; stop?: JNode; step?: JNode };
    if (n.start) this.expr(n.start);
    this.put(":");
    if (n.stop) this.expr(n.stop);
    if (n.step) {
      this.put(":");
      this.expr(n.step);
    }
  }
}

function quote(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;
}

