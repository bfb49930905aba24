/**
 * `auto_map` in config.json / tokenizer_config.json maps Auto classes to classes defined in the
 * repository's own Python files (`modeling_x.XForCausalLM`) or in another repository
 * (`org/repo--modeling_x.XForCausalLM`). transformers imports and runs those files when the model is
 * loaded with trust_remote_code=True.
 */
import { isObject } from "./templates.js";

/** Evidence stops growing here: a hostile auto_map must not become a huge finding. */
const MAX_EVIDENCE = 500;

export interface RemoteCode {
  /** `AutoClass: module.Class` entries, in file order. */
  entries: string[];
  /** Repositories other than this one that entries load code from (`org/repo`). */
  otherRepositories: string[];
}

/** The remote code a parsed config points at, or undefined when it has no (non-empty) auto_map. */
export function remoteCodeOf(doc: unknown): RemoteCode | undefined {
  if (!isObject(doc) || !isObject(doc.auto_map)) return undefined;
  const entries: string[] = [];
  const repos = new Set<string>();
  for (const [auto, target] of Object.entries(doc.auto_map)) {
    // AutoTokenizer maps to [slow, fast]; either may be null
    const targets = (Array.isArray(target) ? target : [target]).filter((t): t is string => typeof t === "string");
    for (const t of targets) {
      entries.push(`${auto}: ${t}`);
      const sep = t.indexOf("--");
      if (sep > 0) repos.add(t.slice(0, sep));
    }
  }
  return entries.length > 0 ? { entries, otherRepositories: [...repos] } : undefined;
}

export function remoteCodeEvidence(rc: RemoteCode): string {
  const s = rc.entries.join("; ");
  return s.length > MAX_EVIDENCE ? `${s.slice(0, MAX_EVIDENCE - 1)}…` : s;
}
