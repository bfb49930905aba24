/**
 * What the Hub API returns, validated: only the fields Vouch reads, each checked, so a changed or
 * hostile response fails with the field named instead of flowing on as `undefined`.
 */
import { z } from "zod";
import { VouchError } from "../core/errors.js";

/** The Hub's verdict vocabulary for its own scanners (`unscanned` and `queued` are not `safe`). */
export const SCAN_STATUSES = ["unscanned", "safe", "queued", "error", "caution", "suspicious", "unsafe"] as const;

const scannerSchema = z.looseObject({
  status: z.string(),
  message: z.string().nullish(),
  pickleImports: z.array(z.looseObject({ module: z.string(), name: z.string(), safety: z.string() })).nullish(),
});

const securitySchema = z.looseObject({
  status: z.string(),
  avScan: scannerSchema.nullish(),
  pickleImportScan: scannerSchema.nullish(),
  protectAiScan: scannerSchema.nullish(),
  jFrogScan: scannerSchema.nullish(),
});

const treeEntrySchema = z.looseObject({
  type: z.string(),
  path: z.string(),
  oid: z.string(),
  size: z.number().int().nonnegative(),
  lfs: z.looseObject({ oid: z.string(), size: z.number().int().nonnegative(), pointerSize: z.number().optional() }).nullish(),
  lastCommit: z.looseObject({ id: z.string(), title: z.string(), date: z.string() }).nullish(),
  securityFileStatus: securitySchema.nullish(),
});

export const treeSchema = z.array(treeEntrySchema);

export const repoInfoSchema = z.looseObject({
  id: z.string(),
  sha: z.string().regex(/^[0-9a-f]{40}$/, { error: "must be a 40-hex commit id" }),
  author: z.string().nullish(),
  lastModified: z.string().nullish(),
  private: z.boolean().nullish(),
  // `false`, or how access is granted: "auto" (on acceptance) or "manual" (reviewed by the owner).
  gated: z.union([z.literal(false), z.string()]).nullish(),
  disabled: z.boolean().nullish(),
  cardData: z.record(z.string(), z.unknown()).nullish(),
  pipeline_tag: z.string().nullish(),
  library_name: z.string().nullish(),
});

/** The Hub's status for one file, as reported (per scanner too). */
export interface SecurityStatus {
  /** Overall: `safe`, `unsafe`, `caution`, `suspicious`, `error`, `queued`, `unscanned` (or a newer word). */
  status: string;
  /** Per-scanner status (`avScan`, `pickleImportScan`, `protectAiScan`, `jFrogScan`), as reported. */
  scanners: Record<string, string>;
  /** Imports the Hub's pickle scanner flagged as `suspicious` or `dangerous`, as `module.name`. */
  flaggedImports: string[];
}

/** One file of a repository at a commit, from the tree listing. */
export interface HubFile {
  /** POSIX path in the repository. */
  path: string;
  /** Size of the content in bytes (of the real file, for LFS). */
  size: number;
  /** Git blob id of what git stores: the content, or the LFS pointer. */
  gitOid: string;
  /** For LFS files: SHA-256 of the content, the digest the download is verified against. */
  lfsSha256?: string;
  /** The last commit that changed this file, when the Hub says. */
  lastCommit?: { id: string; title: string; date: string };
  /** The Hub's own security scan of this file, when the Hub says. */
  security?: SecurityStatus;
}

/** Repository information at one revision. */
export interface RepoInfo {
  repoId: string;
  /** The commit the revision resolved to. */
  commit: string;
  author?: string;
  lastModified?: string;
  private: boolean;
  /** `false`, `auto` or `manual`. */
  gated: false | string;
  /** The model card's YAML front matter as the Hub parsed it. */
  cardData?: Record<string, unknown>;
  pipelineTag?: string;
  libraryName?: string;
}

export function toRepoInfo(raw: z.infer<typeof repoInfoSchema>): RepoInfo {
  return {
    repoId: raw.id,
    commit: raw.sha,
    ...(raw.author ? { author: raw.author } : {}),
    ...(raw.lastModified ? { lastModified: raw.lastModified } : {}),
    private: raw.private ?? false,
    gated: raw.gated ?? false,
    ...(raw.cardData ? { cardData: raw.cardData } : {}),
    ...(raw.pipeline_tag ? { pipelineTag: raw.pipeline_tag } : {}),
    ...(raw.library_name ? { libraryName: raw.library_name } : {}),
  };
}

export function toHubFile(raw: z.infer<typeof treeEntrySchema>): HubFile {
  return {
    path: raw.path,
    size: raw.lfs ? raw.lfs.size : raw.size,
    gitOid: raw.oid,
    ...(raw.lfs ? { lfsSha256: raw.lfs.oid } : {}),
    ...(raw.lastCommit ? { lastCommit: { id: raw.lastCommit.id, title: raw.lastCommit.title, date: raw.lastCommit.date } } : {}),
    ...(raw.securityFileStatus ? { security: toSecurity(raw.securityFileStatus) } : {}),
  };
}

function toSecurity(raw: z.infer<typeof securitySchema>): SecurityStatus {
  const scanners: Record<string, string> = {};
  const flagged = new Set<string>();
  for (const key of ["avScan", "pickleImportScan", "protectAiScan", "jFrogScan"] as const) {
    const s = raw[key];
    if (!s) continue;
    scanners[key] = s.status;
    for (const imp of s.pickleImports ?? []) {
      if (imp.safety !== "innocuous") flagged.add(`${imp.module}.${imp.name}`);
    }
  }
  return { status: raw.status, scanners, flaggedImports: [...flagged].sort() };
}

/** Parses a response body with `schema`, naming the first bad field on failure. */
export function parseHubJson<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new VouchError("E_HF_RESPONSE", `unexpected answer from the Hub for ${what}: ${issue.path.join(".") || "(root)"} ${issue.message}`, {
    hint: "Check HF_ENDPOINT; it must point at a Hugging Face Hub (or a compatible mirror)",
  });
}
