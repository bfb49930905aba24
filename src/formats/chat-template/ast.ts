/**
 * The shape of @huggingface/jinja's AST (0.5.x) as far as the checks read it. The package exports
 * `parse` but not its node classes, so the fields used here are restated structurally; `type` is each
 * class's discriminant. Unknown node types are still walked (generically), so a newer parser version
 * that adds a node kind degrades to "walked without special meaning", never to "skipped".
 */

export interface JNode {
  readonly type: string;
}

/** Where a node sits: in a statement list (a Text node there is template text) or inside an expression. */
export type Role = "statement" | "expression";

export interface Child {
  node: JNode;
  role: Role;
}

export interface IdentifierNode extends JNode {
  value: string;
}
export interface MemberNode extends JNode {
  object: JNode;
  property: JNode;
  computed: boolean;
}
export interface CallNode extends JNode {
  callee: JNode;
  args: JNode[];
}
export interface FilterNode extends JNode {
  operand: JNode;
  /** An Identifier (`x|lower`) or a CallExpression whose callee is the filter's Identifier (`x|join(', ')`). */
  filter: JNode;
}
export interface BinaryNode extends JNode {
  operator: { value: string };
  left: JNode;
  right: JNode;
}
export interface KeywordArgumentNode extends JNode {
  key: IdentifierNode;
  value: JNode;
}
export interface LiteralListNode extends JNode {
  value: JNode[];
}

export const asIdentifier = (n: JNode): IdentifierNode | undefined => (n.type === "Identifier" ? (n as IdentifierNode) : undefined);

/** Node-valued fields per known type, in the order their source text appears (Ternary and CallStatement differ from field order). */
const SOURCE_ORDER: Record<string, readonly string[]> = {
  Program: ["body"],
  If: ["test", "body", "alternate"],
  For: ["loopvar", "iterable", "body", "defaultBlock"],
  Set: ["assignee", "value", "body"],
  Macro: ["name", "args", "body"],
  MemberExpression: ["object", "property"],
  CallExpression: ["callee", "args"],
  ArrayLiteral: ["value"],
  TupleLiteral: ["value"],
  ObjectLiteral: ["value"],
  BinaryExpression: ["left", "right"],
  FilterExpression: ["operand", "filter"],
  FilterStatement: ["filter", "body"],
  SelectExpression: ["lhs", "test"],
  TestExpression: ["operand", "test"],
  UnaryExpression: ["argument"],
  SliceExpression: ["start", "stop", "step"],
  KeywordArgumentExpression: ["key", "value"],
  SpreadExpression: ["argument"],
  KeywordSpreadExpression: ["argument"],
  CallStatement: ["callerArgs", "call", "body"],
  Ternary: ["trueExpr", "condition", "falseExpr"],
};

/** Fields that hold statement lists: a StringLiteral directly inside one is template text, not a string constant. */
const STATEMENT_LISTS = new Set(["body", "alternate", "defaultBlock"]);

/** Fields that hold lexer tokens rather than nodes (a Token also has a string `type`). */
const TOKEN_FIELDS = new Set(["operator"]);

/** The node's children in source order, each with its role. */
export function children(node: JNode): Child[] {
  const fields = SOURCE_ORDER[node.type] ?? Object.keys(node).filter((k) => k !== "type" && !TOKEN_FIELDS.has(k));
  const out: Child[] = [];
  const record = node as unknown as Record<string, unknown>;
  for (const field of fields) {
    const role: Role = STATEMENT_LISTS.has(field) ? "statement" : "expression";
    collect(record[field], role, out);
  }
  return out;
}

function collect(value: unknown, role: Role, out: Child[]): void {
  if (isNode(value)) out.push({ node: value, role });
  else if (Array.isArray(value)) for (const v of value) collect(v, role, out);
  else if (value instanceof Map) {
    for (const [k, v] of value) {
      collect(k, role, out);
      collect(v, role, out);
    }
  }
}

function isNode(v: unknown): v is JNode {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Map) && typeof (v as { type?: unknown }).type === "string";
}
