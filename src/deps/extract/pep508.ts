/**
 * PEP 508 dependency specifiers (`name[extra] >=1, <2 ; python_version < "3.11"`, `name @ url`) and
 * the one question the audit asks of a specifier: does it pin exactly one version? Only `==X`
 * (without a wildcard) and `===X` do; anything else is a range and stays unresolved.
 */
import { canonicalPep440, isPep440 } from "../version/pep440.js";

export interface Requirement {
  name: string;
  extras: string[];
  /** Version clauses (`>=1.0`, `==2.*`), whitespace removed. Empty for a URL requirement or none at all. */
  specifiers: string[];
  /** `name @ url`. */
  url?: string;
  marker?: string;
}

const NAME = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*/;
const CLAUSE = /^(~=|===|==|!=|<=|>=|<|>)\s*([A-Za-z0-9.*+!_-]+)$/;

/** Parses one specifier; undefined when it is not PEP 508 (a bare URL or path, garbage). */
export function parseRequirement(text: string): Requirement | undefined {
  const m = NAME.exec(text);
  if (!m) return undefined;
  let rest = text.slice(m[0].length);
  let extras: string[] = [];
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0) return undefined;
    extras = rest.slice(1, close).split(",").map((e) => e.trim()).filter(Boolean);
    rest = rest.slice(close + 1).trimStart();
  }
  let marker: string | undefined;
  if (rest.startsWith("@")) {
    // `name @ url ; marker`: the marker needs whitespace before `;`, since URLs may contain `;`.
    const body = rest.slice(1).trim();
    const split = /\s;/.exec(body);
    const url = (split ? body.slice(0, split.index) : body).trim();
    if (split) marker = body.slice(split.index + 2).trim();
    if (url === "") return undefined;
    return { name: m[1]!, extras, specifiers: [], url, ...(marker ? { marker } : {}) };
  }
  const semi = rest.indexOf(";");
  if (semi >= 0) {
    marker = rest.slice(semi + 1).trim();
    rest = rest.slice(0, semi);
  }
  rest = rest.trim();
  if (rest.startsWith("(") && rest.endsWith(")")) rest = rest.slice(1, -1);
  const specifiers: string[] = [];
  for (const raw of rest.split(",")) {
    const clause = raw.trim();
    if (clause === "") continue;
    const c = CLAUSE.exec(clause);
    if (!c) return undefined;
    specifiers.push(`${c[1]}${c[2]}`);
  }
  if (rest.trim() !== "" && specifiers.length === 0) return undefined;
  return { name: m[1]!, extras, specifiers, ...(marker ? { marker } : {}) };
}

/**
 * The one version the clauses allow, when they pin one: `===X` (arbitrary equality, kept as written)
 * or `==X` with a valid, wildcard-free X. Two different pins pin nothing (the set is empty).
 */
export function pinnedVersion(specifiers: readonly string[]): string | undefined {
  const pins = new Map<string, string>(); // canonical form -> first spelling: `==1.0, ==1.0.0` is one pin
  for (const s of specifiers) {
    if (s.startsWith("===")) pins.set(`===${s.slice(3)}`, s.slice(3));
    else if (s.startsWith("==") && !s.includes("*") && isPep440(s.slice(2))) {
      const v = s.slice(2);
      if (!pins.has(canonicalPep440(v)!)) pins.set(canonicalPep440(v)!, v);
    }
  }
  return pins.size === 1 ? [...pins.values()][0] : undefined;
}
