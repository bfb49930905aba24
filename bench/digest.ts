/**
 * `vouch digest` on a folder of several large files (warm page cache) against a single-threaded
 * SHA-256 of the same bytes (createHash over positioned reads into one reused 1 MiB buffer), in
 * the same run, interleaved (A B A B ...), each sample a fresh process timing only the work. Goal:
 * at least 1.8x faster on 2 cores. Also: both digests must agree, and Vouch's peak RSS.
 *
 *   node --import tsx bench/digest.ts [--files 4] [--mib 256] [--runs 5]
 *
 * Inputs are generated under $VOUCH_BENCH_DIR/digest (default /tmp/vouch-bench/digest), never in
 * the repository. Exit 1 when the digests disagree; a missed goal is printed, not fatal.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, openSync, readFileSync, statSync, writeSync, closeSync } from "node:fs";
import { open } from "node:fs/promises";
import { availableParallelism, cpus, loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const MIB = 1024 * 1024;

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Single-threaded baseline: every file in turn, one reused 1 MiB buffer; returns the root digest. */
async function baseline(dir: string, names: string[]): Promise<string> {
  const root = createHash("sha256");
  const buf = Buffer.allocUnsafe(MIB);
  for (const name of names) {
    const fh = await open(join(dir, name), "r");
    const h = createHash("sha256");
    for (let pos = 0; ; ) {
      const { bytesRead } = await fh.read(buf, 0, MIB, pos);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
    await fh.close();
    root.update(h.digest());
  }
  return `sha256:${root.digest("hex")}`;
}

/** One sample, in this (child) process: prints {ms, digest, rssMiB} as JSON. */
async function child(kind: string, dir: string, names: string[]): Promise<void> {
  const { modelDigest } = await import("../src/sign/digest.js");
  const t0 = performance.now();
  const digest = kind === "vouch" ? await modelDigest(dir) : await baseline(dir, names);
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ ms, digest, rssMiB: process.resourceUsage().maxRSS / 1024 }));
}

function makeInputs(dir: string, files: number, mib: number): string[] {
  mkdirSync(dir, { recursive: true });
  const names = Array.from({ length: files }, (_, i) => `shard-${String(i).padStart(2, "0")}.bin`);
  const chunk = Buffer.alloc(MIB);
  for (const [i, name] of names.entries()) {
    const p = join(dir, name);
    if (existsSync(p) && statSync(p).size === mib * MIB) continue;
    const fd = openSync(p, "w");
    for (let m = 0; m < mib; m++) {
      // Distinct, incompressible-looking content per MiB (the hash does not care, the page cache does not either).
      createHash("sha512").update(`${i}:${m}`).digest().copy(chunk, 0);
      chunk.fill(i * 31 + m, 64);
      writeSync(fd, chunk);
    }
    closeSync(fd);
  }
  return names;
}

function sample(kind: string, dir: string, names: string[]): { ms: number; digest: string; rssMiB: number } {
  const script = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ["--import", "tsx", script, "--child", kind, dir, ...names], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${kind} sample failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const at = process.argv.indexOf("--child");
  if (at > 0) return child(process.argv[at + 1], process.argv[at + 2], process.argv.slice(at + 3));
  const files = flag("files", 4);
  const mib = flag("mib", 256);
  const runs = flag("runs", 5);
  const dir = join(process.env.VOUCH_BENCH_DIR ?? "/tmp/vouch-bench", "digest");
  const names = makeInputs(dir, files, mib);
  for (const n of names) readFileSync(join(dir, n)).length; // warm the page cache
  const load0 = loadavg()[0];
  const base: number[] = [];
  const vouch: number[] = [];
  let rss = 0;
  let digests = new Set<string>();
  for (let i = 0; i < runs; i++) {
    const b = sample("baseline", dir, names);
    const v = sample("vouch", dir, names);
    base.push(b.ms);
    vouch.push(v.ms);
    rss = Math.max(rss, v.rssMiB);
    digests = new Set([...digests, b.digest, v.digest]);
  }
  const gib = (files * mib) / 1024;
  const ratio = median(base) / median(vouch);
  console.log(`machine: ${cpus()[0]?.model ?? "?"}, nproc ${availableParallelism()}, node ${process.version}, load ${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)}, ${new Date().toUTCString()}`);
  console.log(`input: ${files} files x ${mib} MiB = ${gib.toFixed(2)} GiB in ${dir}; ${runs} interleaved samples each, median`);
  console.log("| measurement | median ms | range ms | GB/s | speed-up | peak RSS MiB |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  const row = (name: string, xs: number[], extra: string) => console.log(`| ${name} | ${median(xs).toFixed(0)} | ${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)} | ${((files * mib * MIB) / 1e9 / (median(xs) / 1000)).toFixed(2)} | ${extra} |`);
  row("single-threaded SHA-256 (baseline)", base, "1.00x | |");
  row("`vouch digest` (modelDigest)", vouch, `${ratio.toFixed(2)}x | ${rss.toFixed(0)} |`);
  console.log(`goal >= 1.8x: ${ratio >= 1.8 ? "met" : "MISSED"}; digests ${digests.size === 1 ? "agree" : "DISAGREE"} (${[...digests].join(", ")})`);
  if (digests.size !== 1) process.exitCode = 1;
}

await main();
