/**
 * A 1 GiB safetensors file (big.safetensors), page cache warm, against baselines measured in the same
 * run: `scan` with its SHA-256 digest vs hashing the file alone (goal: at most 1.1x; two hash
 * baselines, createReadStream and positioned reads into one reused buffer, the strictest), and peak
 * RSS. The scanner reads only the header; the digest runs on a worker thread.
 *
 *   node --import tsx bench/safetensors.ts [--runs 3] [--warmup 1]
 */
import {
  build, check, dataDir, fmtMiB, fmtMs, fmtRange, fmtRate, fmtRatio, goal, input, interleave, load, machine, parseFlags,
  probe, table, warmPageCache, worker, type Measured,
} from "./lib/harness.js";
import type { IoCount, ScanSummary } from "./lib/tasks.js";

const GOAL_RATIO = 1.1;

const flags = parseFlags();
await build();
const file = input("big.safetensors");
console.log(`# safetensors  (${machine()})`);
console.log(`data: ${dataDir()}; each number is the median of ${flags.runs} runs, interleaved, each in a fresh process after ${flags.warmup} warm-up run(s)`);
console.log(`start: ${load()}\n`);
await warmPageCache(file);

const { hashOnly, hashPread, scanDigest } = await interleave({
  hashOnly: worker<{ sha256: string; bytes: number }>({ task: "sha256", file }, flags),
  hashPread: worker<{ sha256: string; bytes: number }>({ task: "sha256-pread", file }, flags),
  scanDigest: worker<ScanSummary>({ task: "vouch-scan", file, digest: true }, flags),
}, flags);
const probes = {
  hashOnly: await probe({ task: "sha256", file }),
  hashPread: await probe({ task: "sha256-pread", file }),
  scanDigest: await probe({ task: "vouch-scan", file, digest: true }),
};

const bytes = hashOnly.result.bytes;
const row = (label: string, x: Measured<unknown>, p: { rssMiB: number; io: IoCount }) =>
  [label, fmtMs(x.median), fmtRange(x.ms), fmtMs(x.cpuMedian), fmtRate((bytes * 1000) / x.median, "B"), fmtRatio(x.median / hashOnly.median), fmtMiB(p.rssMiB)];
console.log(table(["big.safetensors", "median ms", "range ms", "CPU ms", "file size / time", "time vs baseline", "peak RSS MiB"], [
  row("baseline: SHA-256 alone, createHash over createReadStream", hashOnly, probes.hashOnly),
  row("strict baseline: SHA-256 alone, createHash over pread into one reused buffer", hashPread, probes.hashPread),
  row("Vouch `scan()`, digest on (default)", scanDigest, probes.scanDigest),
]));
console.log(`end: ${load()}\n`);

const r = scanDigest.result;
check(r.format === "safetensors", `big.safetensors is read as safetensors (got ${r.format})`);
check(r.sha256 === hashOnly.result.sha256, `scan's sha256 equals the baseline's (${hashOnly.result.sha256.slice(0, 16)}...)`);
check(r.verdict === "clean" && r.complete, `big.safetensors: verdict ${r.verdict}, complete ${r.complete}`);
const ratio = scanDigest.median / hashOnly.median;
const strict = scanDigest.median / hashPread.median;
console.log(goal("scan with digest vs SHA-256 alone (createReadStream), time", ratio <= GOAL_RATIO, fmtRatio(ratio), `<= ${GOAL_RATIO}x`));
console.log(goal("scan with digest vs SHA-256 alone (strict: pread, reused buffer), time", strict <= GOAL_RATIO, fmtRatio(strict), `<= ${GOAL_RATIO}x`));
