/**
 * `hf://ORG/NAME[@REVISION]`: how a Hugging Face Hub model is named wherever Vouch takes a path. The
 * revision is a branch, a tag, a `refs/pr/N` ref or a commit; without one the Hub's default branch
 * (`main`) is meant, which moves: reports call such a target unpinned.
 */
import { VouchError } from "../core/errors.js";

export const HF_SCHEME = "hf://";

/** The revision the Hub serves when none is given. */
export const DEFAULT_REVISION = "main";

/** A parsed `hf://` target. */
export interface HfRef {
  /** `org/name`, exactly as written (the Hub matches ids case-insensitively, the cache does not). */
  repoId: string;
  /** The revision as written, or `main` when none was given. */
  revision: string;
  /** True when the target named a revision explicitly. */
  revisionGiven: boolean;
}

/** True for a full 40-hex git commit id: the only revision that cannot move. */
export function isCommitId(revision: string): boolean {
  return /^[0-9a-f]{40}$/.test(revision);
}

export function isHfTarget(target: string): boolean {
  return target.startsWith(HF_SCHEME);
}

/**
 * Parses `hf://org/name[@rev]`. Repo ids follow the Hub's rules (letters, digits, `-`, `_`, `.`; no
 * `--` or `..`, not starting or ending with `-` or `.`, at most 96 characters), which also keeps them
 * safe to use in cache folder names and URLs.
 */
export function parseHfRef(target: string): HfRef {
  if (!isHfTarget(target)) throw badRef(target, "does not start with hf://");
  const rest = target.slice(HF_SCHEME.length);
  const at = rest.indexOf("@");
  const repoId = at === -1 ? rest : rest.slice(0, at);
  const revision = at === -1 ? "" : rest.slice(at + 1);
  const problem = repoIdProblem(repoId);
  if (problem !== undefined) throw badRef(target, problem);
  if (at !== -1 && !validRevision(revision)) throw badRef(target, "has an empty or malformed revision after @");
  return { repoId, revision: revision || DEFAULT_REVISION, revisionGiven: at !== -1 };
}

/** Why `id` is not a valid `org/name` model id, or undefined when it is. */
export function repoIdProblem(id: string): string | undefined {
  const parts = id.split("/");
  if (parts.length !== 2) return "must name a repository as ORG/NAME";
  for (const part of parts) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(part) || /[-.]$/.test(part)) {
      return `has an invalid name part ${JSON.stringify(part)} (letters, digits, -, _ and . only)`;
    }
    if (part.includes("--") || part.includes("..")) return `has "--" or ".." in ${JSON.stringify(part)}`;
  }
  if (id.length > 96) return "is longer than 96 characters";
  return undefined;
}

/** The target spelling for a repo at a revision. */
export function formatHfRef(repoId: string, revision?: string): string {
  return `${HF_SCHEME}${repoId}${revision ? `@${revision}` : ""}`;
}

/** Branch, tag, `refs/pr/N` or commit: no control characters, no `..`, nothing that escapes a path. */
function validRevision(rev: string): boolean {
  if (rev === "" || rev.length > 255) return false;
  if (rev.split("/").some((seg) => seg === "" || seg === "." || seg === "..")) return false;
  return /^[A-Za-z0-9._\-/]+$/.test(rev);
}

function badRef(target: string, problem: string): VouchError {
  return new VouchError("E_HF_TARGET", `${JSON.stringify(target)} ${problem}`, {
    hint: "Write a Hub model as hf://ORG/NAME or hf://ORG/NAME@REVISION (a branch, tag or 40-hex commit)",
  });
}
