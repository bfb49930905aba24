/**
 * `vouch db import` of the whole shared PyPA advisory snapshot (2,661 YAML records, ~7.8 MB of text):
 * wall time, CPU time and peak RSS, each run in a fresh plain-`node` process on the compiled sources
 * (`build()` from lib/harness.ts). Reference in the same run: reading every file and decoding it with
 * the same YAML parser and nothing else, to show how much of the import is parsing.
 *
 *   node --import tsx bench/osv-import.ts [--runs N]
 *
 * Exit 1 when the import does not hold exactly 2,651 advisories (a correctness check).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUILD, build, fmtMs, machine, median, spawnCollect, table } from "./lib/harness.js";

const SNAPSHOT = process.env["VOUCH_OSV_SNAPSHOT"] ?? "/work/shared/data/osv/pypa-advisory-database";
const runs = Number(process.argv[process.argv.indexOf("--runs") + 1] || 3) || 3;

interface ChildResult {
  ms: number;
  cpuMs: number;
  maxRssKiB: number;
  advisories?: number;
  files?: number;
}

/** One measurement in a fresh process: `kind` is "import" or "decode-only". */
async function child(kind: "import" | "decode-only", dbDir: string): Promise<ChildResult> {
  const src = join(BUILD, "src");
  const code = `
    const t0 = performance.now(); const c0 = process.cpuUsage();
    let out = {};
    if (${JSON.stringify(kind)} === "import") {
      const { importOsv } = await import(${JSON.stringify(join(src, "deps/db/import.js"))});
      const { systemClock } = await import(${JSON.stringify(join(src, "core/clock.js"))});
      const r = await importOsv([${JSON.stringify(SNAPSHOT)}], { dir: ${JSON.stringify(dbDir)}, clock: systemClock });
      out = { advisories: r.imported[0].advisories };
    } else {
      const { readOsvInputs } = await import(${JSON.stringify(join(src, "deps/db/inputs.js"))});
      let files = 0; for await (const d of readOsvInputs(${JSON.stringify(SNAPSHOT)})) files++;
      out = { files };
    }
    const cpu = process.cpuUsage(c0);
    console.log(JSON.stringify({ ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKiB: process.resourceUsage().maxRSS, ...out }));
  `;
  const r = await spawnCollect(process.execPath, ["--input-type=module", "-e", code]);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as ChildResult;
}

async function main(): Promise<void> {
  await build();
  const imports: ChildResult[] = [];
  const decodes: ChildResult[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), "vouch-bench-osv-"));
    try {
      decodes.push(await child("decode-only", dir)); // interleaved, so load changes hit both sides
      imports.push(await child("import", join(dir, "db")));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const advisories = imports[0]!.advisories;
  console.log(`machine: ${machine()}`);
  console.log(`snapshot: ${SNAPSHOT} (${decodes[0]!.files} files), ${runs} runs each, fresh process per run\n`);
  console.log(
    table(
      ["measurement", "wall ms (median)", "wall range", "CPU ms (median)", "peak RSS MiB (max)"],
      [
        ["`vouch db import` of the snapshot (parse, validate, index, write a generation)", fmtMs(median(imports.map((r) => r.ms))), `${fmtMs(Math.min(...imports.map((r) => r.ms)))}-${fmtMs(Math.max(...imports.map((r) => r.ms)))}`, fmtMs(median(imports.map((r) => r.cpuMs))), (Math.max(...imports.map((r) => r.maxRssKiB)) / 1024).toFixed(0)],
        ["reference: read + YAML-decode every file, nothing else", fmtMs(median(decodes.map((r) => r.ms))), `${fmtMs(Math.min(...decodes.map((r) => r.ms)))}-${fmtMs(Math.max(...decodes.map((r) => r.ms)))}`, fmtMs(median(decodes.map((r) => r.cpuMs))), (Math.max(...decodes.map((r) => r.maxRssKiB)) / 1024).toFixed(0)],
      ],
    ),
  );
  console.log(`\nimport / decode-only: ${(median(imports.map((r) => r.ms)) / median(decodes.map((r) => r.ms))).toFixed(2)}x; advisories imported: ${advisories}`);
  if (advisories !== 2651) {
    console.error(`CHECK FAILED: expected 2651 advisories, got ${advisories}`);
    process.exit(1);
  }
}

await main();
