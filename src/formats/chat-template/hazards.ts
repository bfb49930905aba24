/**
 * What makes a Jinja expression dangerous on a server that renders it without a sandbox (llama.cpp
 * front ends, Ollama-style tools and older llama-cpp-python used plain `jinja2.Environment`). Every
 * published escape walks Python object attributes: a dunder attribute (`__class__`, `__globals__`)
 * leads from any value to classes, module globals and builtins, and from there to `os.popen`. Chat
 * templates never need such names, so their presence is the signal; calls that run code or touch
 * files, and Flask's `config`/`request` objects, are flagged too.
 */
import type { Severity } from "../../core/types.js";
import type { Link } from "./expr.js";

export type HazardRule = "template/code-execution" | "template/dunder-access" | "template/risky-call" | "template/context-object";

export interface Hazard {
  rule: HazardRule;
  severity: Severity;
  /** A phrase for the message, e.g. "accesses `__globals__`". */
  what: string;
}

/** Attributes of frames, generators, functions and code objects that lead to globals without dunders. */
const INTERNAL_ATTRIBUTES = new Set([
  "f_globals", "f_locals", "f_builtins", "f_back", "f_code", "gi_frame", "gi_code", "cr_frame", "cr_code",
  "ag_frame", "ag_code", "tb_frame", "tb_next", "func_globals", "func_code", "co_code", "im_func", "im_self", "mro",
]);

/** Modules whose attributes run commands, load code or reach the interpreter. */
const MODULES = new Set([
  "os", "subprocess", "sys", "builtins", "importlib", "posix", "pty", "ctypes", "pickle", "marshal", "runpy",
  "commands", "socket", "shutil",
]);

/** Callables that run a command or code. Flagged when called, so `ns.system` (a namespace field) stays harmless. */
const CODE_CALLS = new Set([
  "popen", "Popen", "system", "eval", "exec", "execfile", "compile", "import", "import_module", "check_output",
  "check_call", "getoutput", "getstatusoutput", "spawnl", "spawnle", "spawnlp", "spawnv", "spawnve", "spawnvp",
  "execl", "execle", "execlp", "execv", "execve", "execvp", "fork", "forkpty", "load_module", "run_module", "run_path",
]);

/** Callables that read files or look names up dynamically: not code execution alone, but no template needs them. */
const RISKY_CALLS = new Set(["open", "getattr", "setattr", "delattr", "globals", "locals", "vars", "dir", "breakpoint", "input"]);

/** Flask's request and config objects: SSTI payloads read secrets from them. */
const CONTEXT_OBJECTS = new Set(["request", "config"]);

/** Jinja (and Flask) globals whose functions carry `__globals__`: the usual first step of an escape. */
const GADGETS = new Set(["cycler", "joiner", "lipsum", "namespace", "range", "dict", "self", "url_for", "get_flashed_messages", "config", "request"]);

export function isDunder(name: string): boolean {
  return /^__[A-Za-z0-9_]+__$/.test(name) && name.length > 4;
}

/** Python's name-mangled private attributes (`_TemplateReference__context`). */
export function isMangled(name: string): boolean {
  return !isDunder(name) && /^_[A-Za-z][A-Za-z0-9]*__[A-Za-z0-9_]+$/.test(name);
}

/** A name that leads into the interpreter: dunder, name-mangled private, or a frame/function internal. */
export function isInternalName(name: string): boolean {
  return isDunder(name) || isMangled(name) || INTERNAL_ATTRIBUTES.has(name);
}

export function isModuleName(name: string): boolean {
  return MODULES.has(name);
}

/**
 * True for a string that reads as an attribute name or dotted attribute path (`__class__`,
 * `__class__.__mro__`) with an internal segment. Text such as `<__media__>` is not a name and passes.
 */
export function namesInternalAttribute(s: string): boolean {
  if (s.length > 512 || !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(s)) return false;
  return s.split(".").some(isInternalName);
}

/** The hazards of one chain; empty when the chain is harmless. */
export function chainHazards(links: readonly Link[]): Hazard[] {
  const internal: string[] = [];
  const out: Hazard[] = [];
  links.forEach((link, i) => {
    const called = links[i + 1]?.kind === "call";
    if (link.kind === "attr" && link.name === undefined && link.via !== "dot" && link.via !== "subscript") {
      out.push({ rule: "template/risky-call", severity: "high", what: "looks up an attribute whose name is computed at render time" });
    }
    const name = link.kind === "base" || link.kind === "attr" ? link.name : undefined;
    if (name === undefined) return;
    if (isInternalName(name) || (link.kind === "attr" && namesInternalAttribute(name))) internal.push(name);
    if (isModuleName(name) && (link.kind === "attr" || links.length > 1)) {
      out.push({ rule: "template/code-execution", severity: "critical", what: `reaches the \`${name}\` module` });
    }
    if (called && (CODE_CALLS.has(name) || name === "__import__")) {
      out.push({ rule: "template/code-execution", severity: "critical", what: `calls \`${name}\`` });
    } else if (called && RISKY_CALLS.has(name)) {
      out.push({ rule: "template/risky-call", severity: "high", what: `calls \`${name}\`` });
    }
    if (link.kind === "base" && CONTEXT_OBJECTS.has(name) && links.length > 1) {
      out.push({ rule: "template/context-object", severity: "medium", what: `reads Flask's \`${name}\` object` });
    }
  });
  if (internal.length > 0) out.unshift(internalHazard(internal, links[0]));
  return out;
}

function internalHazard(names: string[], base: Link): Hazard {
  const unique = [...new Set(names)].map((n) => `\`${n}\``).join(", ");
  const gadget = base.kind === "base" && base.name !== undefined && GADGETS.has(base.name) ? ` from the \`${base.name}\` global` : "";
  return { rule: "template/dunder-access", severity: "critical", what: `accesses ${unique}${gadget}` };
}

/** Rules in the order one finding per expression picks them: the most specific harm first. */
const PRECEDENCE: readonly HazardRule[] = ["template/code-execution", "template/dunder-access", "template/risky-call", "template/context-object"];

const RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

/** The rule, severity and phrase list of one finding that covers all of an expression's hazards. */
export function combine(hazards: readonly Hazard[]): { rule: HazardRule; severity: Severity; what: string } {
  const rule = PRECEDENCE.find((r) => hazards.some((h) => h.rule === r)) ?? hazards[0].rule;
  const severity = hazards.reduce<Severity>((s, h) => (RANK[h.severity] > RANK[s] ? h.severity : s), "info");
  const what = [...new Set(hazards.map((h) => h.what))].join("; ");
  return { rule, severity, what };
}
