/**
 * Hashes whole files on worker threads. The orchestrator uses it for artifacts whose format is read
 * with positioned reads (zip, HDF5, safetensors headers): the main thread parses while another core
 * hashes, and a directory of large files keeps both cores busy. Workers are created on first use
 * and unref'd, so an idle pool never keeps the process alive.
 */
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { DEFAULT_CHUNK } from "../core/source.js";

/** Below this size a worker round trip costs more than hashing in place. */
export const OFFLOAD_MIN_BYTES = 4 * 1024 * 1024;

interface Pending {
  resolve: (hex: string) => void;
  reject: (e: Error) => void;
}

class HashPool {
  private workers: Worker[] = [];
  private next = 0;
  private seq = 0;
  private pending = new Map<number, Pending>();
  private busy = 0;

  hash(path: string): Promise<string> {
    const w = this.worker();
    const id = ++this.seq;
    return new Promise<string>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.busy++ === 0) for (const x of this.workers) x.ref();
      w.postMessage({ id, path, start: 0, end: null, algorithm: "sha256", chunk: DEFAULT_CHUNK });
    });
  }

  private worker(): Worker {
    const size = Math.max(1, Math.min(2, availableParallelism()));
    if (this.workers.length < size) {
      const w = new Worker(new URL("../core/hash-worker.js", import.meta.url));
      w.on("message", (m: { id: number; hex?: string; error?: string }) => this.settle(m));
      w.on("error", (e) => this.failAll(e));
      w.unref();
      this.workers.push(w);
      return w;
    }
    return this.workers[this.next++ % this.workers.length];
  }

  private settle(m: { id: number; hex?: string; error?: string }): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (--this.busy === 0) for (const x of this.workers) x.unref();
    if (m.hex !== undefined) p.resolve(m.hex);
    else p.reject(new Error(m.error ?? "hash worker failed"));
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    this.busy = 0;
    this.workers = [];
  }
}

let pool: HashPool | undefined;

/** SHA-256 (hex) of a whole file, computed on a worker thread. */
export function hashFileOffThread(path: string): Promise<string> {
  pool ??= new HashPool();
  return pool.hash(path);
}
