/**
 * What a name in Python source refers to, statically: `sp.Popen` is `subprocess.Popen` after
 * `import subprocess as sp`, `system` is `os.system` after `from os import system`, a bare `eval` is
 * the builtin. The table is flat (imports anywhere in the file count everywhere), which over-resolves
 * rather than misses: a name imported inside one function is assumed to mean the same elsewhere.
 */
import type { Node } from "web-tree-sitter";

/** Builtins whose use the analysis cares about; other bare names resolve to nothing. */
const BUILTINS = new Set(["exec", "eval", "compile", "__import__", "getattr", "open", "chr", "bytes", "execfile", "input", "breakpoint"]);

export class NameTable {
  /** Local name -> qualified name (`sp` -> `subprocess`, `system` -> `os.system`). */
  private readonly aliases = new Map<string, string>();
  /** Modules imported with `from m import *`. */
  private readonly starModules: string[] = [];
  /** Top-level modules the file imports (absolute imports only), for metadata. */
  readonly modules = new Set<string>();

  /** Builds the table from every import statement in the tree. */
  static fromTree(root: Node): NameTable {
    const table = new NameTable();
    for (const stmt of root.descendantsOfType(["import_statement", "import_from_statement"])) {
      if (stmt.type === "import_statement") table.addImport(stmt);
      else table.addFromImport(stmt);
    }
    // `__builtins__` is the builtins module (or its dict) in every module
    if (!table.aliases.has("__builtins__")) table.aliases.set("__builtins__", "builtins");
    return table;
  }

  /**
   * The qualified name an expression refers to, when it is a name, a dotted attribute chain on one,
   * or `__import__("m")` / `importlib.import_module("m")` with a literal module name.
   */
  resolve(node: Node): string | undefined {
    switch (node.type) {
      case "identifier":
        return this.resolveIdentifier(node.text);
      case "attribute": {
        const object = node.childForFieldName("object");
        const attr = node.childForFieldName("attribute");
        const base = object ? this.resolve(object) : undefined;
        return base && attr ? `${base}.${attr.text}` : undefined;
      }
      case "call":
        return this.importedModule(node);
      case "parenthesized_expression": {
        const inner = node.namedChildren[0];
        return inner ? this.resolve(inner) : undefined;
      }
      default:
        return undefined;
    }
  }

  /** True when the expression names an imported module or something reached through one. */
  isImported(node: Node): boolean {
    const root = rootIdentifier(node);
    return root !== undefined && this.aliases.has(root) && this.resolve(node) !== undefined;
  }

  /**
   * Resolves a bare name: an import alias, else a builtin, else a name a star import would provide.
   * What a star import provides is unknown, so only names `known` accepts (the caller's function
   * tables: `system` after `from os import *`) resolve through one.
   */
  resolveIdentifier(name: string, known?: (qualified: string) => boolean): string | undefined {
    const alias = this.aliases.get(name);
    if (alias !== undefined) return alias;
    if (BUILTINS.has(name)) return `builtins.${name}`;
    if (known) for (const m of this.starModules) if (known(`${m}.${name}`)) return `${m}.${name}`;
    return undefined;
  }

  private importedModule(call: Node): string | undefined {
    const fn = call.childForFieldName("function");
    const q = fn ? this.resolve(fn) : undefined;
    if (q !== "builtins.__import__" && q !== "importlib.import_module") return undefined;
    const first = call.childForFieldName("arguments")?.namedChildren[0];
    return first ? stringLiteral(first) : undefined;
  }

  private addImport(stmt: Node): void {
    for (const child of stmt.childrenForFieldName("name")) {
      if (child.type === "aliased_import") {
        const name = child.childForFieldName("name")?.text;
        const alias = child.childForFieldName("alias")?.text;
        if (name && alias) this.bind(alias, name);
      } else {
        // `import a.b.c` binds `a`; the chain a.b.c resolves through it
        const top = child.text.split(".")[0]!;
        this.bind(top, top);
      }
    }
  }

  private addFromImport(stmt: Node): void {
    const moduleNode = stmt.childForFieldName("module_name");
    if (!moduleNode || moduleNode.type === "relative_import") return; // the model's own modules
    const module = moduleNode.text.replace(/\s+/g, "");
    this.modules.add(module.split(".")[0]!);
    if (stmt.namedChildren.some((c) => c.type === "wildcard_import")) {
      this.starModules.push(module);
      return;
    }
    for (const child of stmt.childrenForFieldName("name")) {
      if (child.type === "aliased_import") {
        const name = child.childForFieldName("name")?.text;
        const alias = child.childForFieldName("alias")?.text;
        if (name && alias) this.aliases.set(alias, `${module}.${name}`);
      } else {
        this.aliases.set(child.text, `${module}.${child.text}`);
      }
    }
  }

  private bind(local: string, qualified: string): void {
    this.aliases.set(local, qualified);
    this.modules.add(qualified.split(".")[0]!);
  }
}

/** The identifier an attribute chain starts from (`os` in `os.path.join`). */
export function rootIdentifier(node: Node): string | undefined {
  let n: Node | null = node;
  while (n && n.type === "attribute") n = n.childForFieldName("object");
  return n && n.type === "identifier" ? n.text : undefined;
}

/**
 * The value of a plain string literal (no f-string interpolation, adjacent literals joined), or
 * undefined for anything else. Escape sequences are kept as written: the checks only need the shape.
 */
export function stringLiteral(node: Node): string | undefined {
  if (node.type === "concatenated_string") {
    const parts = node.namedChildren.map((c) => stringLiteral(c));
    return parts.every((p) => p !== undefined) ? parts.join("") : undefined;
  }
  if (node.type !== "string") return undefined;
  if (node.namedChildren.some((c) => c.type === "interpolation")) return undefined;
  return node.namedChildren
    .filter((c) => c.type === "string_content" || c.type === "escape_sequence")
    .map((c) => c.text)
    .join("");
}
