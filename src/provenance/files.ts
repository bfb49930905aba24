/**
 * The per-file part of the report: every file of the model (through the one walker), its digests,
 * and the check of its content against what was published, from the best authority available:
 * the Hub's listing, else the cache blob's name, else the clone's LFS pointer or index blob. Weights
 * in a git clone get their commit history.
 */
import { basename, extname } from "node:path";
import { digestFile } from "../sources/digest.js";
import { blobNameOf } from "../sources/hf-cache.js";
import { digestKind } from "../sources/digest.js";
import { fileHistory } from "../sources/git.js";
import type { CloneInfo } from "../sources/clone.js";
import type { HubFile } from "../sources/hub-types.js";
import { MAX_POINTER_BYTES, readLfsPointer } from "../sources/lfs.js";
import { walkModel } from "../walk/walker.js";
import { CARD_FILE } from "./card.js";
import type { FileProvenance } from "./types.js";

/** What is known about where the files came from. */
export interface FileAuthorities {
  /** The Hub's listing of the commit. */
  hubFiles?: HubFile[];
  /** The files live in a cache snapshot: blob names are digests. */
  inCache: boolean;
  /** The files are in a git clone. */
  clone?: CloneInfo;
  /** The folder git commands run in (the model root) for histories. */
  gitDir?: string;
}

const WEIGHT_EXTENSIONS = new Set([
  ".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".gguf", ".ggml", ".onnx", ".h5", ".hdf5", ".keras", ".tflite",
  ".msgpack", ".npz", ".npy", ".pkl", ".pickle", ".joblib", ".pb", ".mlmodel", ".pte", ".nemo",
]);
const CODE_EXTENSIONS = new Set([".py", ".sh", ".bash", ".js", ".mjs", ".ts", ".ipynb", ".bat", ".ps1", ".so", ".dll", ".dylib", ".exe"]);
const CONFIG_EXTENSIONS = new Set([".json", ".yaml", ".yml", ".toml", ".txt", ".jinja", ".model", ".tiktoken", ".cfg", ".ini"]);

export function fileRole(path: string): FileProvenance["role"] {
  if (path === CARD_FILE) return "card";
  const ext = extname(path).toLowerCase();
  if (WEIGHT_EXTENSIONS.has(ext)) return "weights";
  if (CODE_EXTENSIONS.has(ext)) return "code";
  if (CONFIG_EXTENSIONS.has(ext)) return "config";
  return "other";
}

/** Inventories the model at `root`. */
export async function inventoryFiles(root: string, auth: FileAuthorities): Promise<FileProvenance[]> {
  const listed = new Map((auth.hubFiles ?? []).map((f) => [f.path, f]));
  const out: FileProvenance[] = [];
  for (const f of await walkModel(root, { allowSymlinks: true })) {
    const digests = await digestFile(f.absPath);
    const hub = listed.get(f.path);
    const entry: FileProvenance = {
      path: f.path,
      size: digests.size,
      sha256: digests.sha256,
      role: fileRole(f.path),
      ...(await verify(f.absPath, f.path, digests, hub, auth)),
      ...(hub?.security ? { hubScan: hub.security } : {}),
      ...(hub?.lastCommit ? { lastCommit: hub.lastCommit } : {}),
    };
    if (auth.clone && auth.gitDir && entry.role === "weights") {
      const history = await fileHistory(auth.gitDir, f.path).catch(() => []);
      if (history.length > 0) entry.history = history;
    }
    out.push(entry);
  }
  return out;
}

type Check = Pick<FileProvenance, "verification" | "verifiedAgainst" | "expected">;

async function verify(absPath: string, path: string, d: { size: number; sha256: string; gitSha1: string }, hub: HubFile | undefined, auth: FileAuthorities): Promise<Check> {
  // A pointer where content should be is the first thing to know, whatever else is published.
  const pointer = d.size <= MAX_POINTER_BYTES ? await readLfsPointer(absPath).catch(() => undefined) : undefined;
  if (pointer !== undefined && (hub === undefined || hub.lfsSha256 === pointer.oid)) {
    return { verification: "not-pulled", expected: `sha256:${pointer.oid}` };
  }
  if (hub !== undefined) {
    return hub.lfsSha256 !== undefined
      ? compare(d.sha256 === hub.lfsSha256 && d.size === hub.size, "hub", `sha256:${hub.lfsSha256}`)
      : compare(d.gitSha1 === hub.gitOid, "hub", `git-sha1:${hub.gitOid}`);
  }
  if (auth.inCache) {
    const blob = await blobNameOf(absPath);
    const kind = blob ? digestKind(blob.name) : undefined;
    if (blob && kind) return compare((kind === "sha256" ? d.sha256 : d.gitSha1) === blob.name, "cache-blob", `${kind}:${blob.name}`);
  }
  const tracked = auth.clone?.files.get(path);
  if (tracked?.lfs) return compare(d.sha256 === tracked.lfs.oid && d.size === tracked.lfs.size, "lfs-pointer", `sha256:${tracked.lfs.oid}`);
  if (tracked) return compare(d.gitSha1 === tracked.blob, "git-index", `git-sha1:${tracked.blob}`);
  return { verification: "unverified" };
}

function compare(ok: boolean, against: NonNullable<FileProvenance["verifiedAgainst"]>, expected: string): Check {
  return { verification: ok ? "verified" : "mismatch", verifiedAgainst: against, expected };
}

/**
 * Files every Hugging Face library expects by name (configs, tokenizers, the standard weight names
 * and their shards): a card has no reason to mention them. Anything else it should.
 */
export function isConventionalFile(path: string): boolean {
  const name = basename(path).toLowerCase();
  return CONVENTIONAL.has(name) || CONVENTIONAL_PATTERNS.some((re) => re.test(name));
}

const CONVENTIONAL = new Set([
  "readme.md", ".gitattributes", "license", "license.md", "license.txt", "notice", "notice.md", "use_policy.md",
  "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
  "added_tokens.json", "vocab.json", "vocab.txt", "merges.txt", "tokenizer.model", "spiece.model",
  "sentencepiece.bpe.model", "preprocessor_config.json", "processor_config.json", "chat_template.json",
  "chat_template.jinja", "model.safetensors", "pytorch_model.bin", "tf_model.h5", "flax_model.msgpack",
  "model.safetensors.index.json", "pytorch_model.bin.index.json", "tf_model.h5.index.json", "flax_model.msgpack.index.json",
  "adapter_config.json", "adapter_model.safetensors", "adapter_model.bin", "modules.json", "sentence_bert_config.json",
  "config_sentence_transformers.json", "training_args.bin", "scheduler_config.json", "model_index.json",
  "diffusion_pytorch_model.safetensors", "feature_extractor_config.json", "image_processor_config.json",
]);

const CONVENTIONAL_PATTERNS = [
  /^(model|pytorch_model|diffusion_pytorch_model|tf_model)-\d{5}-of-\d{5}\.(safetensors|bin|h5)$/,
];
