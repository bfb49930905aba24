/**
 * Hashes many files (or byte ranges) on worker threads, one per core, so a model of several large
 * files is hashed in about the time of its largest file rather than the sum. Jobs are handed out
 * largest first so no core is left with one big file at the end. Small jobs are hashed on the main
 * thread: a worker round trip costs more than hashing a few kilobytes.
 */
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { VouchError } from "../../core/errors.js";
import { errnoCode } from "../errors.js";
import type { HashType } from "./types.js";

/** One thing to hash: `[start, end)` of a file, or the whole file when `end` is undefined. */
export interface HashJob {
  /** The path to open. */
  path: string;
  /** The name to report in errors (model-relative). */
  name: string;
  start: number;
  end?: number;
  /** Bytes expected (for scheduling only). */
  size: number;
  algorithm: HashType;
}

export interface HashPoolOptions {
  /** Worker threads; default: one per core. 0 hashes everything on the main thread. */
  threads?: number;
  /** Read size; default 1 MiB, as `model_signing` reads. */
  chunk?: number;
}

/** Below this size a job is hashed on the main thread. */
const INLINE_MAX_BYTES = 256 * 1024;
const DEFAULT_CHUNK = 1024 * 1024;
const NODE_ALGORITHM: Record<HashType, string> = { sha256: "sha256", blake2b: "blake2b512" };

/** Hex digests of `jobs`, in the order given. */
export async function hashJobs(jobs: readonly HashJob[], opts: HashPoolOptions = {}): Promise<string[]> {
  const chunk = opts.chunk ?? DEFAULT_CHUNK;
  const out = new Array<string>(jobs.length);
  const order = jobs.map((_, i) => i).sort((a, b) => jobs[b].size - jobs[a].size);
  const big = order.filter((i) => jobs[i].size > INLINE_MAX_BYTES);
  const small = order.filter((i) => jobs[i].size <= INLINE_MAX_BYTES);
  const threads = Math.min(opts.threads ?? availableParallelism(), big.length);

  const inline = async (queue: number[]): Promise<void> => {
    for (let i = queue.shift(); i !== undefined; i = queue.shift()) out[i] = await hashInline(jobs[i], chunk);
  };
  if (threads <= 0) {
    await inline([...big, ...small]);
    return out;
  }
  const workers = Array.from({ length: threads }, () => new HashWorker());
  try {
    const queue = [...big];
    await Promise.all([
      ...workers.map(async (w) => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) out[i] = await w.hash(jobs[i], chunk);
      }),
      inline([...small]),
    ]);
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
  return out;
}

async function hashInline(job: HashJob, chunk: number): Promise<string> {
  let fh;
  try {
    fh = await open(job.path, "r");
    const hash = createHash(NODE_ALGORITHM[job.algorithm]);
    const buf = Buffer.allocUnsafe(Math.min(chunk, Math.max(job.size, 1)));
    let position = job.start;
    for (;;) {
      const want = job.end === undefined ? buf.length : Math.min(buf.length, job.end - position);
      if (want <= 0) break;
      const { bytesRead } = await fh.read(buf, 0, want, position);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      position += bytesRead;
    }
    return hash.digest("hex");
  } catch (e) {
    throw readError(job.name, errnoCode(e), e);
  } finally {
    await fh?.close();
  }
}

/** One worker thread, one job at a time. */
class HashWorker {
  private readonly worker = new Worker(new URL("../../core/hash-worker.js", import.meta.url));
  private seq = 0;
  private pending?: { id: number; name: string; resolve(hex: string): void; reject(e: Error): void };

  constructor() {
    this.worker.on("message", (m: { id: number; hex?: string; error?: string; code?: string }) => {
      const p = this.pending;
      if (p === undefined || p.id !== m.id) return;
      this.pending = undefined;
      if (m.hex !== undefined) p.resolve(m.hex);
      else p.reject(readError(p.name, m.code, new Error(m.error)));
    });
    this.worker.on("error", (e) => this.pending?.reject(e));
  }

  hash(job: HashJob, chunk: number): Promise<string> {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending = { id, name: job.name, resolve, reject };
      this.worker.postMessage({ id, path: job.path, start: job.start, end: job.end ?? null, algorithm: job.algorithm, chunk });
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

function readError(name: string, code: string | undefined, cause: unknown): VouchError {
  return new VouchError("E_READ", `${name} could not be read${code ? ` (${code})` : ""}`, {
    file: name,
    cause,
    hint: code === "EACCES" || code === "EPERM" ? "check file permissions" : "check that the model is not being modified while it is hashed",
  });
}
