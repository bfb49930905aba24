/**
 * Pickle opcode throughput: Vouch's scan of big_opcodes.pkl (~5M opcodes) against CPython's
 * `pickletools.genops` walk over the same file, measured in the same run. Goal: Vouch at least 20x
 * faster in opcodes per second. Also checks that the payload at the very end of
 * big_opcodes_payload.pkl is found (verdict malicious), and reports Vouch's peak RSS.
 *
 *   node --import tsx bench/pickle-opcodes.ts [--runs 3] [--warmup 1] [--no-profile]
 */
import {
  build, PYTHON, check, dataDir, fmtMiB, fmtMs, fmtRange, fmtRate, fmtRatio, goal, input, interleave, load, machine,
  parseFlags, peakRssMiB, spawnCollect, table, warmPageCache, worker, type BenchFlags, type Measured, type Side,
} from "./lib/harness.js";
import { formatSummary, profileJob } from "./lib/profile.js";
import type { ScanSummary } from "./lib/tasks.js";

const GOAL_RATIO = 20;

/**
 * CPython baseline: read the file and walk it with genops, counting opcodes, timed inside Python with
 * perf_counter (interpreter start-up excluded). Same protocol as a Vouch worker: warm-up runs, then
 * one timed run, in one process.
 */
const GENOPS = `
import json, pickletools, resource, sys, time
path, warmup = sys.argv[1], int(sys.argv[2])
def walk():
    with open(path, 'rb') as f:
        data = f.read()
    n = 0
    for _ in pickletools.genops(data):
        n += 1
    return n
warm = []
for _ in range(warmup):
    t = time.perf_counter(); walk(); warm.append((time.perf_counter() - t) * 1000)
t, c = time.perf_counter(), time.process_time(); n = walk()
ms, cpu = (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000
print(json.dumps({'ms': ms, 'cpuMs': cpu, 'coldMs': warm[0] if warm else ms, 'result': {'opcodes': n, 'maxRssKiB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))
`;

function genops(file: string, flags: BenchFlags): Side<{ opcodes: number; maxRssKiB: number }> {
  return async () => JSON.parse((await spawnCollect(PYTHON, ["-c", GENOPS, file, String(flags.warmup)])).stdout);
}

const flags = parseFlags();
await build(); // compile src/ for the workers first, so tsc's notes print before the results
const file = input("big_opcodes.pkl");
const payloadFile = input("big_opcodes_payload.pkl");
console.log(`# pickle-opcodes  (${machine()})`);
console.log(`data: ${dataDir()}; each number is the median of ${flags.runs} runs, interleaved, each in a fresh process after ${flags.warmup} warm-up run(s)`);
console.log(`start: ${load()}\n`);
await warmPageCache(file);
await warmPageCache(payloadFile);

const m = await interleave({
  python: genops(file, flags),
  scanNoDigest: worker<ScanSummary>({ task: "vouch-scan", file, digest: false }, flags),
  scanDigest: worker<ScanSummary>({ task: "vouch-scan", file, digest: true }, flags),
  core: worker<{ opcodes: number }>({ task: "pickle-core", file }, flags),
}, flags);
const rss = {
  scanNoDigest: await peakRssMiB({ task: "vouch-scan", file, digest: false }),
  scanDigest: await peakRssMiB({ task: "vouch-scan", file, digest: true }),
  core: await peakRssMiB({ task: "pickle-core", file }),
  idle: await peakRssMiB({ task: "idle" }),
};

const opcodes = m.scanNoDigest.result.opcodes;
const rate = (ms: number, n = opcodes) => (n * 1000) / ms;
const pyRate = rate(m.python.median, m.python.result.opcodes);
const row = (label: string, x: Measured<unknown>, n: number, rssMiB: number) =>
  [label, fmtMs(x.median), fmtRange(x.ms), fmtMs(x.cpuMedian), fmtMs(x.coldMedian), fmtRate(rate(x.median, n), "op"), fmtRatio(rate(x.median, n) / pyRate), fmtMiB(rssMiB)];
console.log(table(["big_opcodes.pkl", "median ms", "range ms", "CPU ms", "cold ms", "opcodes/s", "vs genops", "peak RSS MiB"], [
  row("CPython `pickletools.genops` walk (baseline)", m.python, m.python.result.opcodes, m.python.result.maxRssKiB / 1024),
  row("Vouch `scan()`, digest off", m.scanNoDigest, opcodes, rss.scanNoDigest),
  row("Vouch `scan()`, digest on (default)", m.scanDigest, opcodes, rss.scanDigest),
  row("Vouch `scanPickleBytes` (parser alone, file read included)", m.core, m.core.result.opcodes, rss.core),
  ["node + Vouch modules loaded, no work (RSS floor)", "", "", "", "", "", "", fmtMiB(rss.idle)],
]));
console.log(`end: ${load()}\n`);
check(opcodes === m.python.result.opcodes, `Vouch counted ${opcodes} opcodes, genops ${m.python.result.opcodes}`);
check(m.scanNoDigest.result.verdict === "clean" && m.scanNoDigest.result.complete,
  `big_opcodes.pkl is clean and complete (verdict ${m.scanNoDigest.result.verdict}, complete ${m.scanNoDigest.result.complete})`);

// The payload sits after the last list item: the finding must be at the end of the stream.
const payload = await worker<ScanSummary>({ task: "vouch-scan", file: payloadFile, digest: true }, { ...flags, warmup: 0 })();
const p = payload.result;
const last = p.findings.find((f) => f.severity === "critical" && f.opcodeIndex !== undefined && f.opcodeIndex >= p.opcodes - 10);
check(p.verdict === "malicious" && last !== undefined,
  `big_opcodes_payload.pkl: verdict ${p.verdict}, payload found at opcode ${last?.opcodeIndex ?? "-"} of ${p.opcodes} (${last?.evidence ?? "no finding at the end"}), cold scan ${fmtMs(payload.ms)} ms`);

const ratio = rate(m.scanNoDigest.median) / pyRate;
const met = ratio >= GOAL_RATIO;
console.log(goal("Vouch scan (digest off) vs genops, opcodes/s", met, fmtRatio(ratio), `>= ${GOAL_RATIO}x`));

if (!met && flags.profile) {
  const { file: prof, wallMs, summary } = await profileJob({ task: "vouch-scan", file, digest: false }, "pickle-opcodes");
  console.log(`\nProfile of one warm \`scan()\` of big_opcodes.pkl, digest off, ${fmtMs(wallMs)} ms wall (${prof}):\n`);
  console.log(formatSummary(summary));
}
