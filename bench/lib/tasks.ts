/**
 * What a worker process can measure: Vouch's scan and the baselines it is compared with. Every task
 * returns a small summary so the benchmark can check the work was really done (opcode counts,
 * digests, verdicts).
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, readFile } from "node:fs/promises";
import { scan, defaultSettings } from "../../src/index.js";
import { DEFAULT_CHUNK } from "../../src/core/source.js";
import { pickleOptions } from "../../src/formats/pickle/handler.js";
import { scanPickleBytes } from "../../src/formats/pickle/stream.js";
import { readPickleMembers } from "./zip-directory.js";

/** How a worker runs a job. */
export interface RunOptions {
  /** Untimed runs first, in the same process (default 0). */
  warmup?: number;
  /** Timed runs (default 1). */
  iterations?: number;
  /** Write a V8 CPU profile of the timed runs to this path. */
  profile?: string;
  /** Count the FileHandle reads the runs issue (a wrapper around each read: only for untimed probes). */
  countIo?: boolean;
}

/** FileHandle reads issued, when counted. */
export interface IoCount {
  reads: number;
  bytes: number;
}

/** Wraps FileHandle.prototype.read (once) so every positioned read is counted into the returned totals. */
export async function countFileHandleReads(): Promise<IoCount> {
  const io: IoCount = { reads: 0, bytes: 0 };
  const fh = await open(process.execPath, "r");
  const proto = Object.getPrototypeOf(fh) as { read: (...args: unknown[]) => Promise<{ bytesRead: number }> };
  await fh.close();
  const read = proto.read;
  proto.read = async function (this: unknown, ...args: unknown[]) {
    const r = await read.apply(this, args);
    io.reads++;
    io.bytes += r.bytesRead;
    return r;
  };
  return io;
}

export type Task =
  /** Nothing: the footprint of node + Vouch's modules, for reading the other RSS numbers. */
  | { task: "idle" }
  /** `scan([file], { settings: { digest } })`, the public API, as `vouch scan` runs it. */
  | { task: "vouch-scan"; file: string; digest: boolean }
  /** The pickle parser alone: read the file into memory, then `scanPickleBytes` (no orchestrator, no hashing). */
  | { task: "pickle-core"; file: string }
  /** Baseline: SHA-256 of the file with createHash over fs.createReadStream, in Vouch's chunk size. */
  | { task: "sha256"; file: string }
  /**
   * Baseline: SHA-256 of the file with createHash over positioned reads into one reused buffer of
   * Vouch's chunk size: the cheapest way Node hashes a file, so the strictest baseline.
   */
  | { task: "sha256-pread"; file: string }
  /** Baseline: read the whole file with positioned reads into one reused buffer of Vouch's chunk size, nothing else. */
  | { task: "read"; file: string }
  /** Baseline: read the zip's central directory and the bytes of its `.pkl` members, nothing else. */
  | { task: "read-pickle-members"; file: string };

export type Job = Task & RunOptions;

export async function runTask(job: Task): Promise<unknown> {
  switch (job.task) {
    case "idle":
      return {};
    case "vouch-scan":
      return vouchScan(job.file, job.digest);
    case "pickle-core":
      return pickleCore(job.file);
    case "sha256":
      return sha256(job.file);
    case "sha256-pread":
      return sha256Pread(job.file);
    case "read":
      return readAll(job.file);
    case "read-pickle-members":
      return readPickleMembers(job.file);
  }
}

/** The parts of the scan report a benchmark checks. */
export interface ScanSummary {
  format: string;
  verdict: string;
  complete: boolean;
  sha256?: string;
  /** Opcodes read, summed over the artifact and its members. */
  opcodes: number;
  findings: { ruleId: string; severity: string; member?: string; offset?: number; opcodeIndex?: number; evidence?: string }[];
}

async function vouchScan(file: string, digest: boolean): Promise<ScanSummary> {
  const report = await scan([file], { settings: { digest } });
  const a = report.artifacts[0];
  if (!a) throw new Error(`scan returned no artifact for ${file}`);
  return {
    format: a.format,
    verdict: a.verdict,
    complete: a.complete,
    ...(a.sha256 !== undefined ? { sha256: a.sha256 } : {}),
    opcodes: countOpcodes(a),
    findings: a.findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      ...(f.location.member !== undefined ? { member: f.location.member } : {}),
      ...(f.location.offset !== undefined ? { offset: f.location.offset } : {}),
      ...(f.location.opcodeIndex !== undefined ? { opcodeIndex: f.location.opcodeIndex } : {}),
      ...(f.evidence !== undefined ? { evidence: f.evidence } : {}),
    })),
  };
}

interface WithPickleMetadata {
  metadata?: Record<string, unknown>;
  members?: WithPickleMetadata[];
}

function countOpcodes(node: WithPickleMetadata): number {
  const own = (node.metadata?.["pickle"] as { opcodes?: number } | undefined)?.opcodes ?? 0;
  return own + (node.members ?? []).reduce((sum, m) => sum + countOpcodes(m), 0);
}

async function pickleCore(file: string): Promise<{ opcodes: number; findings: number; complete: boolean }> {
  const bytes = await readFile(file);
  const r = scanPickleBytes(bytes, pickleOptions(defaultSettings(), "file"));
  return { opcodes: r.opcodes, findings: r.findings.length, complete: r.complete };
}

async function sha256(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: DEFAULT_CHUNK }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest("hex"), bytes };
}

async function sha256Pread(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  const bytes = await preadAll(file, (chunk) => hash.update(chunk));
  return { sha256: hash.digest("hex"), bytes };
}

async function readAll(file: string): Promise<{ bytes: number }> {
  return { bytes: await preadAll(file, () => {}) };
}

/** Reads the file front to back into one reused buffer, handing each chunk to `use`. Returns the byte count. */
async function preadAll(file: string, use: (chunk: Buffer) => void): Promise<number> {
  const fh = await open(file, "r");
  try {
    const buf = Buffer.allocUnsafe(DEFAULT_CHUNK);
    let pos = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) return pos;
      use(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
}
