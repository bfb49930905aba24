/**
 * Auditing a 500-package lock file against the database built from the shared PyPA snapshot, after
 * the import (the import is bench/osv-import.ts). The lock is a `Pipfile.lock` (JSON, PyPI) written
 * here: 500 package names of the snapshot, half pinned at a version an advisory lists as affected,
 * half at a clean `9999.0`, so detection, alias merging and fix search all run.
 *
 * Each run is a fresh plain-`node` process on the compiled sources that measures, in the same
 * process: the baseline, `JSON.parse(readFileSync(lock))`; `audit()` of the lock (extract + look up
 * + detect + fixes + summary, database opened from disk each time) cold (first call: JIT, index
 * buckets not yet cached) and warm (median of 50 more, wall and CPU time); peak RSS. Also the whole CLI process,
 * `vouch audit Pipfile.lock --format json`, from spawn to exit.
 *
 *   node --import tsx bench/audit.ts [--runs N]
 *
 * Goal: audit < 100 ms after import. Exit 1 when a correctness check fails.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { BUILD, build, fmtMs, machine, median, spawnCollect, table } from "./lib/harness.js";

const SNAPSHOT = process.env["VOUCH_OSV_SNAPSHOT"] ?? "/work/shared/data/osv/pypa-advisory-database";
const PACKAGES = 500;
const WARM_RUNS = 50;
const runs = Number(process.argv[process.argv.indexOf("--runs") + 1] || 3) || 3;
const GOAL_MS = 100;

/** 500 packages: even positions at an affected version from the package's first advisory, odd ones clean. */
function writeLock(file: string): { vulnerableExpected: number } {
  const vulns = join(SNAPSHOT, "vulns");
  const names = readdirSync(vulns).filter((n) => !n.startsWith(".")).sort().slice(0, PACKAGES);
  if (names.length < PACKAGES) throw new Error(`the snapshot has only ${names.length} packages`);
  const entries: Record<string, { version: string; hashes: string[] }> = {};
  let vulnerableExpected = 0;
  names.forEach((name, i) => {
    let version = "9999.0";
    if (i % 2 === 0) {
      const first = readdirSync(join(vulns, name)).sort()[0]!;
      const record = parseYaml(readFileSync(join(vulns, name, first), "utf8"), { schema: "failsafe" }) as { withdrawn?: string; affected?: { versions?: string[] }[] };
      const listed = record.withdrawn ? undefined : record.affected?.[0]?.versions?.[0];
      if (listed !== undefined) {
        version = listed;
        vulnerableExpected += 1;
      }
    }
    entries[name] = { version: `==${version}`, hashes: [] };
  });
  writeFileSync(file, JSON.stringify({ _meta: { hash: { sha256: "0" }, "pipfile-spec": 6, requires: {}, sources: [] }, default: entries, develop: {} }, null, 4));
  return { vulnerableExpected };
}

interface ChildResult {
  parseMs: number[];
  coldMs: number;
  warmMs: number[];
  warmCpuMs: number[];
  maxRssKiB: number;
  packages: number;
  vulnerable: number;
  vulnerabilities: number;
}

async function measure(lock: string, db: string): Promise<ChildResult> {
  const src = join(BUILD, "src");
  const code = `
    import { readFileSync } from "node:fs";
    const { audit } = await import(${JSON.stringify(join(src, "deps/audit/audit.js"))});
    const { fixedClock } = await import(${JSON.stringify(join(src, "core/clock.js"))});
    const clock = fixedClock(new Date("2026-01-01T00:00:00Z"));
    const lock = ${JSON.stringify(lock)};
    const parseMs = [];
    const time = async (f) => { const c = process.cpuUsage(); const t = performance.now(); const r = await f(); const u = process.cpuUsage(c); return [performance.now() - t, r, (u.user + u.system) / 1000]; };
    const [coldMs, first] = await time(() => audit([lock], { dbDir: ${JSON.stringify(db)}, clock }));
    const warmMs = [];
    const warmCpuMs = [];
    for (let i = 0; i < ${WARM_RUNS}; i++) {
      parseMs.push((await time(() => JSON.parse(readFileSync(lock, "utf8"))))[0]);
      const [ms, , cpu] = await time(() => audit([lock], { dbDir: ${JSON.stringify(db)}, clock }));
      warmMs.push(ms);
      warmCpuMs.push(cpu);
    }
    const s = first.report.summary;
    const vulnerabilities = Object.values(s.vulnerabilities).reduce((a, b) => a + b, 0);
    console.log(JSON.stringify({ parseMs, coldMs, warmMs, warmCpuMs, maxRssKiB: process.resourceUsage().maxRSS, packages: s.packages, vulnerable: s.vulnerablePackages, vulnerabilities }));
  `;
  const r = await spawnCollect(process.execPath, ["--input-type=module", "-e", code]);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as ChildResult;
}

/** The whole `vouch audit` process on the compiled CLI, spawn to exit. */
async function cliProcess(lock: string, db: string): Promise<number> {
  const main = join(BUILD, "src", "cli", "main.js");
  const code = `const { main } = await import(${JSON.stringify(main)}); process.exitCode = await main(["--now", "2026-01-01T00:00:00Z", "audit", ${JSON.stringify(lock)}, "--db", ${JSON.stringify(db)}, "--format", "json", "--output", "/dev/null"]);`;
  const t = performance.now();
  await spawnCollect(process.execPath, ["--input-type=module", "-e", code], true);
  return performance.now() - t;
}

async function main(): Promise<void> {
  await build();
  const root = mkdtempSync(join(tmpdir(), "vouch-bench-audit-"));
  try {
    const lockDir = join(root, "project");
    mkdirSync(lockDir);
    const lock = join(lockDir, "Pipfile.lock");
    const { vulnerableExpected } = writeLock(lock);
    const db = join(root, "db");
    const imp = `const { importOsv } = await import(${JSON.stringify(join(BUILD, "src/deps/db/import.js"))}); const { systemClock } = await import(${JSON.stringify(join(BUILD, "src/core/clock.js"))}); await importOsv([${JSON.stringify(SNAPSHOT)}], { dir: ${JSON.stringify(db)}, clock: systemClock });`;
    await spawnCollect(process.execPath, ["--input-type=module", "-e", imp]);

    const results: ChildResult[] = [];
    const cli: number[] = [];
    for (let i = 0; i < runs; i++) {
      results.push(await measure(lock, db));
      cli.push(await cliProcess(lock, db));
    }
    const warm = median(results.flatMap((r) => r.warmMs));
    const warmCpu = median(results.flatMap((r) => r.warmCpuMs));
    const cold = median(results.map((r) => r.coldMs));
    const parse = median(results.flatMap((r) => r.parseMs));
    const rss = Math.max(...results.map((r) => r.maxRssKiB)) / 1024;
    const first = results[0]!;
    console.log(`machine: ${machine()}; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
    console.log(`lock: Pipfile.lock, ${first.packages} packages (${readFileSync(lock).length} bytes); database: ${SNAPSHOT}; ${runs} processes, ${WARM_RUNS} warm runs each\n`);
    console.log(
      table(
        ["measurement", "ms (median)", "vs JSON.parse", "goal"],
        [
          ["baseline: `JSON.parse(readFileSync(lock))`", fmtMs(parse), "1.00x", ""],
          ["`audit()` warm (extract, look up, detect, fixes, summary)", fmtMs(warm), `${(warm / parse).toFixed(1)}x`, `< ${GOAL_MS} ms: ${warm < GOAL_MS ? "met" : "MISSED"}`],
          ["`audit()` warm, CPU time (user + system)", fmtMs(warmCpu), `${(warmCpu / parse).toFixed(1)}x`, ""],
          ["`audit()` cold (first call in the process)", fmtMs(cold), `${(cold / parse).toFixed(1)}x`, `< ${GOAL_MS} ms: ${cold < GOAL_MS ? "met" : "MISSED"}`],
          ["whole `vouch audit --format json` process, spawn to exit", fmtMs(median(cli)), "", ""],
        ],
      ),
    );
    console.log(`\npeak RSS of the measuring process: ${rss.toFixed(0)} MiB; ${first.vulnerable} vulnerable packages, ${first.vulnerabilities} vulnerabilities`);
    if (first.packages !== PACKAGES || first.vulnerable < vulnerableExpected * 0.9) {
      console.error(`CHECK FAILED: ${first.packages} packages (want ${PACKAGES}), ${first.vulnerable} vulnerable (want about ${vulnerableExpected})`);
      process.exit(1);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
