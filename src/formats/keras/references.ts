/**
 * Rates a `module` + name reference from a Keras config. Keras 3 before 3.9 imported any module a
 * config named and took the named attribute, even in safe mode (CVE-2025-1550); later versions accept
 * only Keras' own packages, but some Keras functions are themselves dangerous to call from a config.
 * Dangerous callables outside Keras come from the pickle denylist, so `os.system` is rated the same
 * whichever format names it.
 */
import { classify, normalizeGlobal } from "../pickle/policy.js";

export type Reference =
  /** Keras' own packages: resolved inside Keras. */
  | { kind: "keras" }
  /** A Keras function that turns safe mode off, downloads files or loads another model. */
  | { kind: "unsafe-keras"; why: string }
  /** Outside Keras and on the denylist of callables that run code, touch files, processes or the network. */
  | { kind: "dangerous"; why: string }
  /** Outside Keras, not known to be dangerous. */
  | { kind: "external" }
  /** `builtins` with a name that is no dangerous Python builtin: Keras looks such names up among its own functions. */
  | { kind: "keras-builtin" };

/** Packages Keras itself loads from (Keras 3.9+ restricts config imports to the first group). */
const KERAS_PACKAGES = ["keras", "keras_hub", "keras_cv", "keras_nlp", "tf_keras", "tensorflow.keras", "tensorflow.python.keras"];

/** Keras functions a config must never call, by their last name segment. */
const UNSAFE_KERAS_NAMES: Record<string, string> = {
  enable_unsafe_deserialization: "turns safe mode off, so a later Lambda's bytecode loads (CVE-2025-9906)",
  get_file: "downloads a file from a URL onto the disk (CVE-2025-8747)",
  load_model: "loads another model, possibly without safe mode",
  func_load: "rebuilds a function from marshalled bytecode",
};

/** No user lists: the built-in denylist is what decides "dangerous" here. */
const POLICY = { strict: false, allow: [], deny: [] };

export function isKerasModule(module: string): boolean {
  return KERAS_PACKAGES.some((p) => module === p || module.startsWith(`${p}.`));
}

/** Rates `module` + `name` (a class or function name, possibly dotted). */
export function classifyReference(module: string, name: string): Reference {
  if (isKerasModule(module)) {
    const last = name.slice(name.lastIndexOf(".") + 1);
    const why = Object.hasOwn(UNSAFE_KERAS_NAMES, last) ? UNSAFE_KERAS_NAMES[last] : undefined;
    return why ? { kind: "unsafe-keras", why } : { kind: "keras" };
  }
  const [m, n] = normalizeGlobal(module, name);
  const c = classify(m, n, POLICY);
  if (c.kind === "deny") return { kind: "dangerous", why: c.why };
  if (m === "builtins") return { kind: "keras-builtin" };
  return { kind: "external" };
}

/** Splits `a.b.C` into module `a.b` and name `C`; undefined when there is no dot. */
export function splitDotted(dotted: string): [string, string] | undefined {
  const dot = dotted.lastIndexOf(".");
  return dot > 0 && dot < dotted.length - 1 ? [dotted.slice(0, dot), dotted.slice(dot + 1)] : undefined;
}
