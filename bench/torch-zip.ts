/**
 * A 1 GiB PyTorch zip checkpoint (big_zip.pt), page cache warm, against baselines measured in the
 * same run:
 *  (a) `scan` with its SHA-256 digest vs hashing the file alone (createHash, same chunk size), two
 *      ways: over fs.createReadStream as asked, and over positioned reads into one reused buffer (the
 *      cheapest way Node hashes a file, so the strictest baseline): goal within 1.3x of both;
 *  (b) `scan` with `digest: false` vs reading just the bytes of its pickle members (found through a
 *      minimal central-directory reader that shares no code with Vouch's): goal no slower;
 * plus the peak RSS of each (goal under 200 MB), and big_zip_payload.pt must come out malicious.
 *
 *   node --import tsx bench/torch-zip.ts [--runs 3] [--warmup 1] [--no-profile]
 */
import {
  build, check, dataDir, fmtIo, fmtMiB, fmtMs, fmtRange, fmtRate, fmtRatio, goal, hot, input, interleave, load, machine, parseFlags,
  probe, table, warmPageCache, worker, type Measured,
} from "./lib/harness.js";
import { formatSummary, profileJob } from "./lib/profile.js";
import type { IoCount, ScanSummary, Task } from "./lib/tasks.js";

const GOAL_DIGEST_RATIO = 1.3;
const GOAL_NO_DIGEST_RATIO = 1.0;
const GOAL_RSS_MB = 200;
const MB = 1e6 / 2 ** 20; // MiB per MB

const flags = parseFlags();
await build(); // compile src/ for the workers first, so tsc's notes print before the results
const file = input("big_zip.pt");
const payloadFile = input("big_zip_payload.pt");
console.log(`# torch-zip  (${machine()})`);
console.log(`data: ${dataDir()}; each number is the median of ${flags.runs} runs, interleaved, each in a fresh process after ${flags.warmup} warm-up run(s)`);
console.log(`start: ${load()}\n`);
await warmPageCache(file);
await warmPageCache(payloadFile);

const { hashOnly, hashPread, scanDigest, readPickles, scanNoDigest } = await interleave({
  hashOnly: worker<{ sha256: string; bytes: number }>({ task: "sha256", file }, flags),
  hashPread: worker<{ sha256: string; bytes: number }>({ task: "sha256-pread", file }, flags),
  scanDigest: worker<ScanSummary>({ task: "vouch-scan", file, digest: true }, flags),
  readPickles: worker<{ members: number; bytes: number; names: string[] }>({ task: "read-pickle-members", file }, flags),
  scanNoDigest: worker<ScanSummary>({ task: "vouch-scan", file, digest: false }, flags),
}, flags);
const hotReadPickles = await hot({ task: "read-pickle-members", file });
const hotScanNoDigest = await hot({ task: "vouch-scan", file, digest: false });
const probes = {
  hashOnly: await probe({ task: "sha256", file }),
  hashPread: await probe({ task: "sha256-pread", file }),
  scanDigest: await probe({ task: "vouch-scan", file, digest: true }),
  readPickles: await probe({ task: "read-pickle-members", file }),
  scanNoDigest: await probe({ task: "vouch-scan", file, digest: false }),
  idle: await probe({ task: "idle" }),
};
const rss = Object.fromEntries(Object.entries(probes).map(([k, v]) => [k, v.rssMiB])) as Record<keyof typeof probes, number>;

const bytes = hashOnly.result.bytes;
const gbps = (ms: number) => fmtRate((bytes * 1000) / ms, "B");
const digestRatio = scanDigest.median / hashOnly.median;
const strictRatio = scanDigest.median / hashPread.median;
const noDigestRatio = scanNoDigest.median / readPickles.median;
const row = (label: string, x: Measured<unknown>, vs: number, p: { rssMiB: number; io: IoCount }, fileHandle = true) =>
  [label, fmtMs(x.median), fmtRange(x.ms), fmtMs(x.cpuMedian), fmtMs(x.coldMedian), gbps(x.median), fmtRatio(x.median / vs), fmtMiB(p.rssMiB), fileHandle ? fmtIo(p.io) : "(fs.read, not counted)"];
console.log(table(["big_zip.pt", "median ms", "range ms", "CPU ms", "cold ms", "file size / time", "time vs baseline", "peak RSS MiB", "main-thread FileHandle reads (one run)"], [
  row("(a) baseline: SHA-256 alone, createHash over createReadStream", hashOnly, hashOnly.median, probes.hashOnly, false),
  row("(a) strict baseline: SHA-256 alone, createHash over pread into one reused buffer", hashPread, hashOnly.median, probes.hashPread),
  row("(a) Vouch `scan()`, digest on (default)", scanDigest, hashOnly.median, probes.scanDigest),
  row(`(b) baseline: read central directory + ${readPickles.result.members} pickle member(s), ${readPickles.result.bytes} B`, readPickles, readPickles.median, probes.readPickles),
  row("(b) Vouch `scan()`, digest off", scanNoDigest, readPickles.median, probes.scanNoDigest),
  ["(b) hot: baseline after 10 warm-ups, median of 10 in one process", fmtMs(hotReadPickles), "", "", "", "", "1.00x", "", ""],
  ["(b) hot: Vouch `scan()`, digest off, after 10 warm-ups, median of 10", fmtMs(hotScanNoDigest), "", "", "", gbps(hotScanNoDigest), fmtRatio(hotScanNoDigest / hotReadPickles), "", ""],
  ["node + Vouch modules loaded, no work (RSS floor)", "", "", "", "", "", "", fmtMiB(rss.idle), ""],
]));
console.log(`end: ${load()}\n`);

const zipSupported = scanDigest.result.format === "pytorch-zip";
check(zipSupported, `big_zip.pt is read as pytorch-zip (got ${scanDigest.result.format}${zipSupported ? "" : ": is zip support registered in src/formats/registry.ts?"})`);
check(scanDigest.result.sha256 === hashOnly.result.sha256 && hashPread.result.sha256 === hashOnly.result.sha256,
  `scan's sha256 equals the baselines' (${hashOnly.result.sha256.slice(0, 16)}...)`);
check(scanDigest.result.verdict === "clean" && scanDigest.result.complete, `big_zip.pt: verdict ${scanDigest.result.verdict}, complete ${scanDigest.result.complete}, ${scanDigest.result.opcodes} opcodes`);

const payload = await worker<ScanSummary>({ task: "vouch-scan", file: payloadFile, digest: true }, { ...flags, warmup: 0 })();
const p = payload.result;
const hit = p.findings.find((f) => f.severity === "critical" && (f.member ?? "").endsWith("data.pkl"));
check(p.verdict === "malicious" && hit !== undefined,
  `big_zip_payload.pt: verdict ${p.verdict}, ${hit ? `${hit.ruleId} in ${hit.member} at opcode ${hit.opcodeIndex} (${hit.evidence})` : "no critical finding in data.pkl"} cold scan ${fmtMs(payload.ms)} ms`);

const rssScanMB = Math.max(rss.scanDigest, rss.scanNoDigest) / MB;
const goals: { label: string; met: boolean; profile?: { task: Task; label: string; iterations: number; warmup: number } }[] = [
  {
    label: [
      goal("(a) scan with digest vs SHA-256 alone (createReadStream), time", digestRatio <= GOAL_DIGEST_RATIO, fmtRatio(digestRatio), `<= ${GOAL_DIGEST_RATIO}x`),
      goal("(a) scan with digest vs SHA-256 alone (strict: pread, reused buffer), time", strictRatio <= GOAL_DIGEST_RATIO, fmtRatio(strictRatio), `<= ${GOAL_DIGEST_RATIO}x`),
    ].join("\n"),
    met: strictRatio <= GOAL_DIGEST_RATIO && digestRatio <= GOAL_DIGEST_RATIO,
    profile: { task: { task: "vouch-scan", file, digest: true }, label: "torch-zip-digest", iterations: 1, warmup: 1 },
  },
  {
    label: goal("(b) scan without digest vs reading the pickle members, time", noDigestRatio <= GOAL_NO_DIGEST_RATIO, fmtRatio(noDigestRatio), `<= ${GOAL_NO_DIGEST_RATIO}x`),
    met: noDigestRatio <= GOAL_NO_DIGEST_RATIO,
    profile: { task: { task: "vouch-scan", file, digest: false }, label: "torch-zip-nodigest", iterations: 50, warmup: 10 },
  },
  {
    label: goal("scan peak RSS (worse of digest on/off)", rssScanMB < GOAL_RSS_MB, `${rssScanMB.toFixed(0)} MB`, `< ${GOAL_RSS_MB} MB`),
    met: rssScanMB < GOAL_RSS_MB,
  },
];
for (const g of goals) console.log(g.label);

if (flags.profile && zipSupported) {
  for (const g of goals) {
    if (g.met || !g.profile) continue;
    const { file: prof, wallMs, summary } = await profileJob(g.profile.task, g.profile.label, g.profile.iterations, g.profile.warmup);
    console.log(`\nProfile of ${g.profile.iterations} run(s) of ${g.profile.label} after ${g.profile.warmup} warm-up(s), ${fmtMs(wallMs)} ms wall in all (${prof}):\n`);
    console.log(formatSummary(summary));
  }
}
