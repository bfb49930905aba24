/**
 * `vouch db import|update|status`: builds, refreshes and describes the local OSV database the audit
 * reads. Only `update` uses the network. Import and update report malformed records on stderr and
 * go on; a failed update leaves the database as it was (exit 2).
 */
import { resolve } from "node:path";
import { Option, type Command } from "commander";
import { resolveClock } from "../core/clock.js";
import { loadConfig } from "../core/config.js";
import { canonicalJson } from "../report/json.js";
import type { ImportProblem } from "../deps/db/collect.js";
import { importOsv } from "../deps/db/import.js";
import { databaseStatus } from "../deps/db/status.js";
import type { SourceInfo } from "../deps/db/store.js";
import { DEFAULT_UPDATE_ECOSYSTEMS, OSV_BASE_URL, updateDatabase } from "../deps/db/update.js";
import { auditDbDir } from "./audit.js";
import { EXIT_OK } from "./exit-codes.js";
import { warn, type CliIo } from "./io.js";
import type { GlobalOptions } from "./main.js";

/** Malformed records listed one by one, up to this many; the rest are counted. */
const PROBLEMS_SHOWN = 20;

export function registerDbCommand(program: Command, io: CliIo, done: (exitCode: number) => void): void {
  const db = program.command("db").description("the local OSV vulnerability database used by `vouch audit`");
  db.command("import")
    .description("import OSV records: JSON/YAML files, folders of them, or an ecosystem all.zip")
    .argument("<path...>", "files, folders or zips")
    .option("--db <dir>", "database directory")
    .action(async (paths: string[], _flags: unknown, command: Command) => {
      const opts = command.optsWithGlobals<GlobalOptions & { db?: string }>();
      const config = await loadConfig({ cwd: io.cwd, configPath: opts.config });
      const dir = auditDbDir(opts.db, config, io);
      const result = await importOsv(paths.map((p) => resolve(io.cwd, p)), { dir, clock: resolveClock(opts.now, io.env) });
      for (const s of result.imported) io.stdout.write(`${describeSource(s)}\n`);
      reportProblems(result.problems, io);
      io.stdout.write(`database: ${dir}\n`);
      done(EXIT_OK);
    });
  db.command("update")
    .description("download OSV's published ecosystem zips, check them, and swap them in atomically")
    .option("--db <dir>", "database directory")
    .option("--base-url <url>", `where the ecosystem zips are (default: audit.updateUrl or ${OSV_BASE_URL})`)
    .addOption(new Option("--ecosystem <name...>", "ecosystems to download").default([...DEFAULT_UPDATE_ECOSYSTEMS]))
    .option("--force", "accept an advisory count that dropped by more than half")
    .action(async (flags: { baseUrl?: string; ecosystem: string[]; force?: boolean }, command: Command) => {
      const opts = command.optsWithGlobals<GlobalOptions & { db?: string }>();
      const config = await loadConfig({ cwd: io.cwd, configPath: opts.config });
      const dir = auditDbDir(opts.db, config, io);
      const result = await updateDatabase({
        dir,
        clock: resolveClock(opts.now, io.env),
        baseUrl: flags.baseUrl ?? config.audit.updateUrl ?? io.env.VOUCH_OSV_URL ?? OSV_BASE_URL,
        ecosystems: flags.ecosystem,
        force: flags.force ?? false,
      });
      for (const s of result.updated) io.stdout.write(`${describeSource(s)}\n`);
      reportProblems(result.problems, io);
      io.stdout.write(`database: ${dir}\n`);
      done(EXIT_OK);
    });
  db.command("status")
    .description("show the database's sources, advisory counts and age")
    .option("--db <dir>", "database directory")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (flags: { format: "text" | "json" }, command: Command) => {
      const opts = command.optsWithGlobals<GlobalOptions & { db?: string }>();
      const config = await loadConfig({ cwd: io.cwd, configPath: opts.config });
      const status = await databaseStatus(auditDbDir(opts.db, config, io), resolveClock(opts.now, io.env), config.audit.maxDbAgeDays);
      if (flags.format === "json") io.stdout.write(canonicalJson(status));
      else io.stdout.write(statusText(status));
      done(EXIT_OK);
    });
}

function describeSource(s: SourceInfo): string {
  const eco = Object.entries(s.ecosystems).map(([e, n]) => `${e} ${n}`).join(", ");
  return `${s.kind === "update" ? "updated" : "imported"} ${s.advisories} advisories${eco ? ` (${eco})` : ""} from ${s.location}; ${s.withdrawn} withdrawn skipped, ${s.malformed} malformed`;
}

function reportProblems(problems: readonly ImportProblem[], io: CliIo): void {
  for (const p of problems.slice(0, PROBLEMS_SHOWN)) warn(io, `${p.origin}${p.id ? ` (${p.id})` : ""}: ${p.message}; skipped`);
  if (problems.length > PROBLEMS_SHOWN) warn(io, `${problems.length - PROBLEMS_SHOWN} more malformed records skipped`);
}

function statusText(status: Awaited<ReturnType<typeof databaseStatus>>): string {
  if (!status.exists || status.manifest === undefined || status.info === undefined) {
    return `no database in ${status.location}\nrun \`vouch db update\` or \`vouch db import PATH\`\n`;
  }
  const lines = [`database: ${status.location} (written ${status.manifest.createdAt})`];
  for (const s of status.manifest.sources) {
    lines.push(`  ${s.name}: ${s.advisories} advisories, as of ${s.asOf}${s.withdrawn ? `, ${s.withdrawn} withdrawn skipped` : ""}${s.malformed ? `, ${s.malformed} malformed skipped` : ""}`);
  }
  for (const [eco, i] of Object.entries(status.manifest.index)) lines.push(`  index ${eco}: ${i.packages} packages, ${i.advisories} advisories`);
  lines.push(`age: ${status.info.ageDays} days${status.info.stale ? " (stale: run `vouch db update`)" : ""}`);
  return `${lines.join("\n")}\n`;
}
