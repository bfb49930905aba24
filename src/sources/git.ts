/**
 * Reading a local git clone with the `git` binary: the history of a file (author, date, message,
 * signature status) and the blobs the index holds (to tell LFS pointers from content).
 *
 * git runs with fixed arguments and no shell. A clone's own `.git/config` is not trusted: settings
 * that make git run programs (`core.fsmonitor`, the `gpg.*.program` used to check signatures) are
 * pinned on the command line, which overrides any file. Read-only commands take no locks.
 */
import { spawn } from "node:child_process";
import { VouchError } from "../core/errors.js";

const SAFE_CONFIG = [
  "-c", "core.fsmonitor=false",
  "-c", "core.untrackedCache=false",
  "-c", "gpg.program=gpg",
  "-c", "gpg.ssh.program=ssh-keygen",
  "-c", "gpg.x509.program=gpgsm",
  "-c", "log.showSignature=false",
];

/** What `%G?` says about a commit's signature, in words. */
export type SignatureStatus = "none" | "good" | "good-untrusted" | "bad" | "expired" | "revoked" | "unverifiable";

const SIGNATURE: Record<string, SignatureStatus> = {
  N: "none",
  G: "good",
  U: "good-untrusted",
  B: "bad",
  X: "expired",
  Y: "expired",
  R: "revoked",
  E: "unverifiable", // signed, but the key is not available here to check it
};

/** One commit that changed a file. */
export interface GitCommit {
  /** Full commit id. */
  id: string;
  author: string;
  authorEmail: string;
  /** Author date, ISO 8601 with the author's offset. */
  date: string;
  /** Committer date, ISO 8601: when the change entered the history (used to order events). */
  committedAt: string;
  /** First line of the message. */
  subject: string;
  /** True when the commit carries a signature, whether or not it could be checked. */
  signed: boolean;
  signature: SignatureStatus;
}

/** An index entry: a tracked file and the blob git stores for it. */
export interface IndexEntry {
  /** Path relative to the folder git was asked about, POSIX. */
  path: string;
  blob: string;
}

/** The top folder of the work tree holding `dir`, or undefined when it is not in one (or git is absent). */
export async function gitTopLevel(dir: string): Promise<string | undefined> {
  try {
    return (await git(dir, ["rev-parse", "--show-toplevel"])).toString("utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Commits that changed `path` (relative to `dir`), newest first, following renames. */
export async function fileHistory(dir: string, path: string, limit = 50): Promise<GitCommit[]> {
  const format = ["%H", "%an", "%ae", "%aI", "%cI", "%G?", "%s"].join("%x1f") + "%x1e";
  const out = await git(dir, ["log", "--follow", `--max-count=${limit}`, `--format=${format}`, "--", path]);
  const records = out
    .toString("utf8")
    .split("\x1e")
    .map((r) => r.replace(/^\n/, ""))
    .filter((r) => r !== "")
    .map((r) => r.split("\x1f"));
  const signed = await signedCommits(dir, records.map((r) => r[0]));
  return records.map(([id, author, authorEmail, date, committedAt, sig, subject]) => {
    // %G? says "N" for a signature it cannot check at all (an SSH signature without an allowed
    // signers file), so whether a signature is there comes from the commit object itself.
    const status = SIGNATURE[sig] ?? "unverifiable";
    const isSigned = signed.has(id) || status !== "none";
    const signature: SignatureStatus = isSigned && status === "none" ? "unverifiable" : status;
    return { id, author, authorEmail, date, committedAt, subject: subject ?? "", signed: isSigned, signature };
  });
}

/** The commits among `ids` whose object carries a signature header (`gpgsig`, `gpgsig-sha256`). */
async function signedCommits(dir: string, ids: string[]): Promise<Set<string>> {
  const signed = new Set<string>();
  for (const [id, obj] of await readObjects(dir, ids)) {
    const text = obj.content.toString("utf8");
    const end = text.indexOf("\n\n");
    if (obj.type === "commit" && /^gpgsig(-sha256)? /m.test(end === -1 ? text : text.slice(0, end))) signed.add(id);
  }
  return signed;
}

/** The index entries under `dir` (stage 0), by path relative to `dir`. */
export async function indexEntries(dir: string): Promise<IndexEntry[]> {
  const out = await git(dir, ["ls-files", "--stage", "-z", "--", "."]);
  const entries: IndexEntry[] = [];
  for (const rec of out.toString("utf8").split("\0")) {
    const m = /^(\d+) ([0-9a-f]{40,64}) (\d)\t(.+)$/s.exec(rec);
    if (m && m[3] === "0" && m[1] !== "160000") entries.push({ path: m[4], blob: m[2] }); // skip submodules
  }
  return entries;
}

/** Contents of the given blobs up to `maxBytes` each (larger ones are skipped), by blob id. */
export async function smallBlobs(dir: string, blobs: string[], maxBytes: number): Promise<Map<string, Buffer>> {
  const unique = [...new Set(blobs)];
  if (unique.length === 0) return new Map();
  const sizes = (await git(dir, ["cat-file", "--batch-check=%(objectname) %(objectsize)"], unique.join("\n") + "\n")).toString("utf8");
  const small = sizes
    .split("\n")
    .map((l) => l.split(" "))
    .filter(([id, size]) => id && Number(size) <= maxBytes)
    .map(([id]) => id);
  const contents = new Map<string, Buffer>();
  for (const [id, obj] of await readObjects(dir, small)) if (obj.type === "blob") contents.set(id, obj.content);
  return contents;
}

/** `git cat-file --batch`: each object's type and content, by id. */
async function readObjects(dir: string, ids: string[]): Promise<Map<string, { type: string; content: Buffer }>> {
  const objects = new Map<string, { type: string; content: Buffer }>();
  if (ids.length === 0) return objects;
  const out = await git(dir, ["cat-file", "--batch"], ids.join("\n") + "\n");
  let pos = 0;
  while (pos < out.length) {
    const eol = out.indexOf(0x0a, pos);
    if (eol === -1) break;
    const [id, type, size] = out.subarray(pos, eol).toString("utf8").split(" ");
    const n = Number(size);
    if (type === "missing" || !Number.isFinite(n)) {
      pos = eol + 1;
      continue;
    }
    objects.set(id, { type, content: out.subarray(eol + 1, eol + 1 + n) });
    pos = eol + 1 + n + 1; // the content, then a newline
  }
  return objects;
}

/** Runs git in `cwd` with the pinned settings; stdout on success, a VouchError otherwise. */
function git(cwd: string, args: string[], input?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["--no-pager", ...SAFE_CONFIG, ...args], {
      cwd,
      env: { ...gitFreeEnv(), GIT_OPTIONAL_LOCKS: "0", GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", (e) => reject(new VouchError("E_GIT", `git could not be run: ${e.message}`, { cause: e, hint: "Install git to read a clone's history" })));
    child.on("close", (code) => {
      if (code === 0) return resolve(Buffer.concat(out));
      const message = Buffer.concat(err).toString("utf8").trim().split("\n")[0] ?? "";
      reject(new VouchError("E_GIT", `git ${args[0]} failed in ${cwd}: ${message}`, { file: cwd, hint: "Check that the folder is a readable git clone" }));
    });
    // git may exit before reading everything (an error); the exit code reports that, not EPIPE.
    child.stdin.on("error", () => undefined);
    child.stdin.end(input ?? "");
  });
}

/**
 * The environment without GIT_* variables: a GIT_DIR or GIT_INDEX_FILE set for some other repository
 * in the user's shell would make git answer about that repository instead of the target.
 */
function gitFreeEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("GIT_")));
}
