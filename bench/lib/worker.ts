/**
 * One measurement in a fresh process. The benchmark scripts compile this file (with src/) into
 * bench/.build and spawn it with plain `node`, as the installed CLI runs, so the peak RSS is not
 * inflated by the TypeScript loader:
 *
 *   node bench/.build/bench/lib/worker.js '{"task":"vouch-scan","file":"/tmp/vouch-bench/big_zip.pt","digest":true,"warmup":1,"iterations":3}'
 *
 * It loads every module first (so module loading is not timed), runs the task `warmup` times
 * untimed, then `iterations` times timed with performance.now(), and prints one JSON line:
 * `{ "ms": [...], "cpuMs": [...], "warmupMs": [...], "maxRssKiB": n, "result": {...} }`. cpuMs is the
 * user + system CPU time of the whole process (all threads, so the libuv pool's reads count) during
 * each timed run: less sensitive than wall time to other processes competing for the CPUs. maxRssKiB
 * is process.resourceUsage().maxRSS at the very end: the peak resident set of the whole process.
 * With `"countIo": true` it also reports the FileHandle reads all runs issued (`io`).
 *
 * With `"profile": "<path>"` the timed iterations (only those: not module loading, not warm-up) run
 * under V8's sampling CPU profiler, the one behind `node --cpu-prof`, and the .cpuprofile is written
 * to that path.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { countFileHandleReads, runTask, type Job } from "./tasks.js";

const job = JSON.parse(process.argv[2] ?? "{}") as Job;
const io = job.countIo ? await countFileHandleReads() : undefined;
const ms: number[] = [];
const cpuMs: number[] = [];
const warmupMs: number[] = [];
let result: unknown;
for (let i = 0; i < (job.warmup ?? 0); i++) {
  const t0 = performance.now();
  await runTask(job);
  warmupMs.push(performance.now() - t0);
}
const session = job.profile ? await startProfiler() : undefined;
for (let i = 0; i < (job.iterations ?? 1); i++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  result = await runTask(job);
  const c = process.cpuUsage(c0);
  ms.push(performance.now() - t0);
  cpuMs.push((c.user + c.system) / 1000);
}
if (session && job.profile) {
  const { profile } = await session.post("Profiler.stop");
  writeFileSync(job.profile, JSON.stringify(profile));
  session.disconnect();
}
const maxRssKiB = process.resourceUsage().maxRSS;
process.stdout.write(`${JSON.stringify({ ms, cpuMs, warmupMs, maxRssKiB, result, ...(io ? { io } : {}) })}\n`);

async function startProfiler(): Promise<Session> {
  const s = new Session();
  s.connect();
  await s.post("Profiler.enable");
  await s.post("Profiler.setSamplingInterval", { interval: 250 }); // µs
  await s.post("Profiler.start");
  return s;
}
