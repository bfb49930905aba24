/**
 * What every benchmark shares: where the generated inputs live, running a job in a fresh worker
 * process (timing and peak RSS), the machine description, and printing results as Markdown tables
 * that can be pasted into bench/RESULTS.md.
 */
import { spawn, spawnSync } from "node:child_process";
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { availableParallelism, loadavg, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { IoCount, Job, Task } from "./tasks.js";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Where bench/tsconfig.json compiles the worker and the src/ it imports (gitignored). */
export const BUILD = join(REPO, "bench", ".build");
const WORKER = join(BUILD, "bench", "lib", "worker.js");
export const PYTHON = process.env["VOUCH_BENCH_PYTHON"] ?? "/usr/bin/python3";

/** Where make_big.py wrote the inputs: $VOUCH_BENCH_DIR, else /tmp/vouch-bench. */
export function dataDir(): string {
  return process.env["VOUCH_BENCH_DIR"] ?? "/tmp/vouch-bench";
}

/** The path of a generated input, or exits with the command that generates it. */
export function input(name: string): string {
  const p = join(dataDir(), name);
  if (!existsSync(p)) {
    console.error(`missing ${p}: generate the inputs first (see bench/README.md):\n` +
      `  /usr/bin/python3 /work/shared/tools/make_big.py --out ${dataDir()} --only pickle,zip,legacy,safetensors --with-payload`);
    process.exit(2);
  }
  return p;
}

/** Command-line flags shared by the benchmarks. */
export interface BenchFlags {
  /** Timed runs per measurement, each in a fresh process (median reported). --runs or $VOUCH_BENCH_RUNS. */
  runs: number;
  /** Untimed warm-up runs in each of those processes before its timed run. */
  warmup: number;
  /** Profile the scan when a goal is missed. */
  profile: boolean;
}

export function parseFlags(argv = process.argv.slice(2)): BenchFlags {
  const flags: BenchFlags = { runs: 3, warmup: 1, profile: true };
  const env = process.env["VOUCH_BENCH_RUNS"];
  if (env) flags.runs = Number(env);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--runs") flags.runs = Number(argv[++i]);
    else if (a === "--warmup") flags.warmup = Number(argv[++i]);
    else if (a === "--no-profile") flags.profile = false;
    else {
      console.error(`unknown flag ${a}; known: --runs N, --warmup N, --no-profile`);
      process.exit(2);
    }
  }
  return flags;
}

/** What one worker process reported. */
export interface WorkerOutput<R = unknown> {
  /** Wall time of each timed run, ms. */
  ms: number[];
  /** CPU time (user + system, all threads) of each timed run, ms. */
  cpuMs: number[];
  /** Wall time of each warm-up run, ms (the first is the cold, first-in-process time). */
  warmupMs: number[];
  /** Peak resident set of the worker process, KiB. */
  maxRssKiB: number;
  /** The last run's result. */
  result: R;
  /** FileHandle reads issued by all runs, when the job asked for `countIo`. */
  io?: IoCount;
}

let built: Promise<void> | undefined;

/**
 * Compiles the worker and the current src/ into bench/.build with the project's tsc, once per
 * benchmark run, so workers run plain JavaScript under plain `node` like the installed CLI. Type
 * errors are reported but do not stop the build (tsc still emits): src/ may be mid-change.
 */
export function build(): Promise<void> {
  built ??= (async () => {
    const tsc = join(REPO, "node_modules", ".bin", "tsc");
    const r = await spawnCollect(tsc, ["-p", join(REPO, "bench", "tsconfig.json")], true);
    if (r.code !== 0) {
      const errors = r.stdout.split("\n").filter((l) => /error TS/.test(l));
      console.error(`note: tsc reported ${errors.length} type error(s) (built anyway):\n  ${errors.slice(0, 5).join("\n  ")}`);
    }
    if (!existsSync(WORKER)) throw new Error(`build did not produce ${WORKER}`);
  })();
  return built;
}

/** Runs a job in a fresh plain `node` process on the compiled worker. */
export async function runWorker<R = unknown>(job: Job): Promise<WorkerOutput<R>> {
  await build();
  const r = await spawnCollect(process.execPath, [WORKER, JSON.stringify(job)]);
  return JSON.parse(lastLine(r.stdout)) as WorkerOutput<R>;
}

/** One timed run: its wall time, the cold (first, warm-up) run's time in the same process, its result. */
export interface Sample<R> {
  ms: number;
  /** CPU time of the timed run (user + system, all threads of the process). */
  cpuMs: number;
  coldMs: number;
  result: R;
}

/** A way to take one sample in a fresh process. */
export type Side<R> = () => Promise<Sample<R>>;

/** All samples of one side. */
export interface Measured<R> {
  ms: number[];
  cpuMs: number[];
  coldMs: number[];
  /** Median of the timed runs' wall time: the number the ratios use. */
  median: number;
  /** Median of the timed runs' CPU time. */
  cpuMedian: number;
  /** Median of the cold runs (each process's first run, before JIT warm-up). */
  coldMedian: number;
  result: R;
}

/** A job in a fresh worker: `flags.warmup` untimed runs, then one timed run. */
export function worker<R>(task: Task, flags: BenchFlags): Side<R> {
  return async () => {
    const out = await runWorker<R>({ ...task, warmup: flags.warmup, iterations: 1 });
    return { ms: out.ms[0]!, cpuMs: out.cpuMs[0]!, coldMs: out.warmupMs[0] ?? out.ms[0]!, result: out.result };
  };
}

/**
 * Measures every side `flags.runs` times, interleaved (A B A B ...), each sample in a fresh process,
 * so a baseline and Vouch see the same machine: load from other processes and thermal or page-cache
 * drift fall on both alike.
 */
export async function interleave<S extends Record<string, Side<unknown>>>(
  sides: S,
  flags: BenchFlags,
): Promise<{ [K in keyof S]: Measured<S[K] extends Side<infer R> ? R : never> }> {
  const samples = new Map<string, Sample<unknown>[]>(Object.keys(sides).map((k) => [k, []]));
  for (let run = 0; run < flags.runs; run++) {
    for (const [name, side] of Object.entries(sides)) samples.get(name)!.push(await side());
  }
  const out: Record<string, Measured<unknown>> = {};
  for (const [name, xs] of samples) {
    const ms = xs.map((x) => x.ms);
    const cpuMs = xs.map((x) => x.cpuMs);
    const coldMs = xs.map((x) => x.coldMs);
    out[name] = { ms, cpuMs, coldMs, median: median(ms), cpuMedian: median(cpuMs), coldMedian: median(coldMs), result: xs[xs.length - 1]!.result };
  }
  return out as { [K in keyof S]: Measured<S[K] extends Side<infer R> ? R : never> };
}

/** Load average and CPU count, so a reader can tell a contended run from a quiet one. */
export function load(): string {
  return `load average ${loadavg().map((x) => x.toFixed(2)).join(" ")} on ${availableParallelism()} CPUs`;
}

/**
 * Steady state: the median of `runs` timed runs after `warmup` untimed ones, all in one fresh process,
 * for work so short that one warm-up leaves most of it to the JIT's lower tiers.
 */
export async function hot(task: Task, warmup = 10, runs = 10): Promise<number> {
  const out = await runWorker({ ...task, warmup, iterations: runs });
  return median(out.ms);
}

/** Peak RSS of a single run of the job in a fresh process, MiB. */
export async function peakRssMiB(job: Task): Promise<number> {
  return (await probe(job)).rssMiB;
}

/**
 * One untimed run of the job in a fresh process: its peak RSS (MiB) and the FileHandle reads it
 * issued (createReadStream's reads are not FileHandle reads and are not counted).
 */
export async function probe(job: Task): Promise<{ rssMiB: number; io: IoCount }> {
  const out = await runWorker({ ...job, warmup: 0, iterations: 1, countIo: true });
  return { rssMiB: out.maxRssKiB / 1024, io: out.io ?? { reads: 0, bytes: 0 } };
}

export const fmtIo = (io: IoCount): string =>
  `${io.reads} reads, ${io.bytes >= 2 ** 20 ? `${(io.bytes / 2 ** 20).toFixed(1)} MiB` : `${(io.bytes / 1024).toFixed(1)} KiB`}`;

/** Runs a command from the repository root; rejects on a non-zero exit unless `allowFailure`. */
export function spawnCollect(cmd: string, args: string[], allowFailure = false): Promise<{ stdout: string; code: number }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0 || allowFailure) resolvePromise({ stdout, code: code ?? 1 });
      else reject(new Error(`${cmd} ${args.slice(0, 4).join(" ")} ... exited ${code}\n${stderr}`));
    });
  });
}

function lastLine(s: string): string {
  const lines = s.trim().split("\n");
  return lines[lines.length - 1] ?? "";
}

/** Reads a file once so the timed runs find it in the page cache. */
export async function warmPageCache(file: string): Promise<void> {
  for await (const _ of createReadStream(file, { highWaterMark: 4 << 20 })) {
    // discard
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The machine line for RESULTS.md, with the commit measured (and whether src/ had uncommitted changes). */
export function machine(): string {
  const cpu = /model name\s*:\s*(.*)/.exec(safeRead("/proc/cpuinfo"))?.[1] ?? "unknown CPU";
  return `${new Date().toISOString()} | ${cpu} | nproc ${availableParallelism()} | ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM | node ${process.version} | ${process.platform} | ${revision()}`;
}

function revision(): string {
  const git = (args: string[]) => spawnSync("git", args, { cwd: REPO, encoding: "utf8" }).stdout?.trim() ?? "";
  const head = git(["rev-parse", "--short", "HEAD"]) || "unknown commit";
  return git(["status", "--porcelain", "--", "src"]) ? `${head} + uncommitted src/ changes` : head;
}

function safeRead(p: string): string {
  try {
    return readFileSync(p, "utf8");
  } catch {
    return "";
  }
}

export function table(headers: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}

export const fmtMs = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
export const fmtMiB = (mib: number): string => mib.toFixed(0);
export const fmtRate = (perSecond: number, unit: string): string =>
  perSecond >= 1e9 ? `${(perSecond / 1e9).toFixed(2)} G${unit}/s` : perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)} M${unit}/s` : `${(perSecond / 1e3).toFixed(1)} k${unit}/s`;
export const fmtRatio = (r: number): string => `${r.toFixed(2)}x`;
/** Fastest and slowest timed run, to show the spread behind a median. */
export const fmtRange = (ms: number[]): string => `${fmtMs(Math.min(...ms))}-${fmtMs(Math.max(...ms))}`;

/** A goal line: the measured value, the goal, and whether it was met. */
export function goal(label: string, met: boolean, measured: string, target: string): string {
  return `${met ? "MET   " : "MISSED"} ${label}: ${measured} (goal ${target})`;
}

/** Fails the benchmark (exit 1) when a correctness check does not hold. */
export function check(ok: boolean, what: string): void {
  if (ok) {
    console.log(`ok     ${what}`);
    return;
  }
  console.error(`FAILED ${what}`);
  process.exitCode = 1;
}
