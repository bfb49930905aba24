/**
 * A 512 MiB legacy `torch.save` file (big_legacy.pt: five pickles, then raw storages), page cache
 * warm, against baselines measured in the same run: `scan` with its SHA-256 digest vs hashing the
 * file alone (goal within 1.3x, as for zip checkpoints; two hash baselines: createReadStream as
 * asked, and positioned reads into one reused buffer, the strictest), `scan` with `digest: false` vs
 * reading the file alone (for reference: the pickle reader must still walk past every storage), and
 * peak RSS (goal under 200 MB).
 *
 *   node --import tsx bench/torch-legacy.ts [--runs 3] [--warmup 1] [--no-profile]
 */
import {
  build, check, dataDir, fmtIo, fmtMiB, fmtMs, fmtRange, fmtRate, fmtRatio, goal, input, interleave, load, machine, parseFlags,
  probe, table, warmPageCache, worker, type Measured,
} from "./lib/harness.js";
import { formatSummary, profileJob } from "./lib/profile.js";
import type { IoCount, ScanSummary } from "./lib/tasks.js";

const GOAL_DIGEST_RATIO = 1.3;
const GOAL_RSS_MB = 200;
const MB = 1e6 / 2 ** 20; // MiB per MB

const flags = parseFlags();
await build(); // compile src/ for the workers first, so tsc's notes print before the results
const file = input("big_legacy.pt");
console.log(`# torch-legacy  (${machine()})`);
console.log(`data: ${dataDir()}; each number is the median of ${flags.runs} runs, interleaved, each in a fresh process after ${flags.warmup} warm-up run(s)`);
console.log(`start: ${load()}\n`);
await warmPageCache(file);

const { hashOnly, hashPread, scanDigest, readOnly, scanNoDigest } = await interleave({
  hashOnly: worker<{ sha256: string; bytes: number }>({ task: "sha256", file }, flags),
  hashPread: worker<{ sha256: string; bytes: number }>({ task: "sha256-pread", file }, flags),
  scanDigest: worker<ScanSummary>({ task: "vouch-scan", file, digest: true }, flags),
  readOnly: worker<{ bytes: number }>({ task: "read", file }, flags),
  scanNoDigest: worker<ScanSummary>({ task: "vouch-scan", file, digest: false }, flags),
}, flags);
const probes = {
  hashOnly: await probe({ task: "sha256", file }),
  hashPread: await probe({ task: "sha256-pread", file }),
  scanDigest: await probe({ task: "vouch-scan", file, digest: true }),
  readOnly: await probe({ task: "read", file }),
  scanNoDigest: await probe({ task: "vouch-scan", file, digest: false }),
  idle: await probe({ task: "idle" }),
};
const rss = Object.fromEntries(Object.entries(probes).map(([k, v]) => [k, v.rssMiB])) as Record<keyof typeof probes, number>;

const bytes = hashOnly.result.bytes;
const gbps = (ms: number) => fmtRate((bytes * 1000) / ms, "B");
const digestRatio = scanDigest.median / hashOnly.median;
const strictRatio = scanDigest.median / hashPread.median;
const noDigestRatio = scanNoDigest.median / readOnly.median;
const row = (label: string, x: Measured<unknown>, vs: number, p: { rssMiB: number; io: IoCount }, fileHandle = true) =>
  [label, fmtMs(x.median), fmtRange(x.ms), fmtMs(x.cpuMedian), fmtMs(x.coldMedian), gbps(x.median), fmtRatio(x.median / vs), fmtMiB(p.rssMiB), fileHandle ? fmtIo(p.io) : "(fs.read, not counted)"];
console.log(table(["big_legacy.pt", "median ms", "range ms", "CPU ms", "cold ms", "file size / time", "time vs baseline", "peak RSS MiB", "main-thread FileHandle reads (one run)"], [
  row("baseline: SHA-256 alone, createHash over createReadStream", hashOnly, hashOnly.median, probes.hashOnly, false),
  row("strict baseline: SHA-256 alone, createHash over pread into one reused buffer", hashPread, hashOnly.median, probes.hashPread),
  row("Vouch `scan()`, digest on (default)", scanDigest, hashOnly.median, probes.scanDigest),
  row("baseline: read the file alone (pread, reused buffer)", readOnly, readOnly.median, probes.readOnly),
  row("Vouch `scan()`, digest off", scanNoDigest, readOnly.median, probes.scanNoDigest),
  ["node + Vouch modules loaded, no work (RSS floor)", "", "", "", "", "", "", fmtMiB(rss.idle), ""],
]));
console.log(`end: ${load()}\n`);

const r = scanDigest.result;
check(r.format === "pytorch-legacy", `big_legacy.pt is read as pytorch-legacy (got ${r.format})`);
check(r.sha256 === hashOnly.result.sha256 && hashPread.result.sha256 === hashOnly.result.sha256,
  `scan's sha256 equals the baselines' (${hashOnly.result.sha256.slice(0, 16)}...)`);
check(r.verdict === "clean" && r.complete, `big_legacy.pt: verdict ${r.verdict}, complete ${r.complete}, ${r.opcodes} opcodes, ${r.findings.length} finding(s)`);

const rssScanMB = Math.max(rss.scanDigest, rss.scanNoDigest) / MB;
const timeMet = digestRatio <= GOAL_DIGEST_RATIO && strictRatio <= GOAL_DIGEST_RATIO;
console.log(goal("scan with digest vs SHA-256 alone (createReadStream), time", digestRatio <= GOAL_DIGEST_RATIO, fmtRatio(digestRatio), `<= ${GOAL_DIGEST_RATIO}x`));
console.log(goal("scan with digest vs SHA-256 alone (strict: pread, reused buffer), time", strictRatio <= GOAL_DIGEST_RATIO, fmtRatio(strictRatio), `<= ${GOAL_DIGEST_RATIO}x`));
console.log(goal("scan peak RSS (worse of digest on/off)", rssScanMB < GOAL_RSS_MB, `${rssScanMB.toFixed(0)} MB`, `< ${GOAL_RSS_MB} MB`));

if (!timeMet && flags.profile) {
  const { file: prof, wallMs, summary } = await profileJob({ task: "vouch-scan", file, digest: true }, "torch-legacy");
  console.log(`\nProfile of one warm \`scan()\` of big_legacy.pt, digest on, ${fmtMs(wallMs)} ms wall (${prof}):\n`);
  console.log(formatSummary(summary));
}
