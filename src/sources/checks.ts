/**
 * Checks on where scanned bytes came from, run on a scan's results: a file in a Hugging Face cache
 * snapshot must hash to its blob's name, and a Git LFS pointer is reported as weights that were
 * never pulled rather than judged as a text file that happens to be named `model.safetensors`.
 */
import type { ArtifactReport, Finding } from "../core/types.js";
import { compareFindings, deriveVerdict } from "../scan/verdict.js";
import { digestKind, hashFileAs } from "./digest.js";
import { blobNameOf } from "./hf-cache.js";
import { MAX_POINTER_BYTES, readLfsPointer } from "./lfs.js";
import "./rules.js";

/** A scanned file: where it is on disk. Aligned by index with the artifacts. */
export interface ScannedFile {
  absPath: string;
}

/** Returns the artifacts with source findings added (same order; untouched ones are the same objects). */
export async function checkSources(files: readonly ScannedFile[], artifacts: ArtifactReport[]): Promise<ArtifactReport[]> {
  const out: ArtifactReport[] = [];
  for (let i = 0; i < artifacts.length; i++) out.push(await checkOne(files[i].absPath, artifacts[i]));
  return out;
}

async function checkOne(absPath: string, artifact: ArtifactReport): Promise<ArtifactReport> {
  const found: Finding[] = [];
  const mismatch = await blobMismatch(absPath, artifact);
  if (mismatch) found.push(mismatch);
  const pointer = artifact.size <= MAX_POINTER_BYTES ? await readLfsPointer(absPath).catch(() => undefined) : undefined;
  if (pointer === undefined && found.length === 0) return artifact;

  let { findings, format, complete } = artifact;
  if (pointer !== undefined) {
    // The text scanner's opinion of a pointer (a model name over text content) is beside the point.
    findings = findings.filter((f) => !f.ruleId.startsWith("format/"));
    format = "git-lfs-pointer";
    complete = false;
    found.push({
      ruleId: "lfs/pointer-not-pulled",
      severity: "low",
      message: `Git LFS pointer to ${pointer.size} bytes with sha256 ${pointer.oid}, not the content itself: it was never pulled`,
      location: {},
      evidence: `oid sha256:${pointer.oid} size ${pointer.size}`,
    });
  }
  const next: ArtifactReport = { ...artifact, format, complete, findings: [...findings, ...found].sort(compareFindings) };
  next.verdict = deriveVerdict(next);
  return next;
}

/** A finding when `absPath` is a cache snapshot link whose blob does not hash to its name. */
async function blobMismatch(absPath: string, artifact: ArtifactReport): Promise<Finding | undefined> {
  const blob = await blobNameOf(absPath);
  const kind = blob && digestKind(blob.name);
  if (!blob || !kind) return undefined; // not a cache link, or a blob name that is no digest (.incomplete)
  const actual = kind === "sha256" && artifact.sha256 !== undefined ? artifact.sha256 : await hashFileAs(absPath, kind).catch(() => undefined);
  if (actual === undefined || actual === blob.name) return undefined; // unreadable files already have scan/read-error
  return {
    ruleId: "hf-cache/blob-mismatch",
    severity: "high",
    message: `The cached content's ${kind} is ${actual}, but its blob is named ${blob.name}: it changed after download`,
    location: {},
    evidence: `blobs/${blob.name}`,
  };
}
