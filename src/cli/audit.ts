/**
 * `vouch audit [PATH...]`: parses flags, reads vouch.yaml's `audit:` section, runs the library's
 * audit against the local OSV database and renders it. Exit codes: 1 when an unsuppressed
 * vulnerability fails the gate (every one by default, or those at or above `--fail-on`); else 2 when
 * a file could not be read or parsed, or no manifest was found at all; else 0. Unresolved packages
 * are warned about, not failed.
 */
import { dirname, resolve } from "node:path";
import { Option, type Command } from "commander";
import { resolveClock } from "../core/clock.js";
import { loadConfig, type VouchConfig } from "../core/config.js";
import { VouchError } from "../core/errors.js";
import { SEVERITIES, type Severity } from "../core/types.js";
import { auditExtraction, failingVulnerabilities, type AuditResult } from "../deps/audit/audit.js";
import { readVexFile, type VexStatement } from "../deps/audit/vex.js";
import { resolveDbDir } from "../deps/db/paths.js";
import { extractPackages } from "../deps/extract/index.js";
import { AUDIT_FORMATS, renderAudit, type AuditFormat } from "../deps/report/index.js";
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK } from "./exit-codes.js";
import { warn, writeOutput, type CliIo } from "./io.js";
import type { GlobalOptions } from "./main.js";

interface AuditFlags {
  format: AuditFormat;
  output?: string;
  failOn?: Severity;
  db?: string;
  vex?: string[];
  maxDbAge?: string;
  verbose?: boolean;
}

export function registerAuditCommand(program: Command, io: CliIo, done: (exitCode: number) => void): void {
  program
    .command("audit")
    .description("audit Python and npm dependencies against the local OSV database (offline)")
    .argument("[path...]", "manifests, lock files or folders holding them (default: the working directory)")
    .addOption(new Option("-f, --format <format>", "report format").choices(AUDIT_FORMATS).default("text"))
    .option("-o, --output <file>", "write the report to FILE instead of stdout")
    .addOption(new Option("--fail-on <severity>", "fail only on vulnerabilities at or above SEVERITY (default: any; no severity counts as high)").choices(SEVERITIES))
    .option("--db <dir>", "database directory (default: audit.db, VOUCH_DB_DIR, or $XDG_CACHE_HOME/vouch/osv)")
    .option("--vex <file...>", "OpenVEX documents whose not_affected/fixed statements ignore vulnerabilities")
    .option("--max-db-age <days>", "warn when the database is older than DAYS (default: audit.maxDbAgeDays, 7)")
    .option("-v, --verbose", "list clean packages and unused ignores too")
    .action(async (paths: string[], flags: AuditFlags, command: Command) => {
      done(await runAudit(paths, flags, command.optsWithGlobals<GlobalOptions & AuditFlags>(), io));
    });
}

async function runAudit(paths: string[], flags: AuditFlags, globals: GlobalOptions, io: CliIo): Promise<number> {
  const clock = resolveClock(globals.now, io.env);
  const targets = paths.length > 0 ? paths : ["."];
  // Unlike a scanned model, the audited project is the user's own: its vouch.yaml (reviewed with the
  // code, like its lock files) is the natural home of its ignores, so it is not refused for lying
  // inside the target.
  const config = await loadConfig({ cwd: io.cwd, configPath: globals.config });
  const extraction = await extractPackages(targets.map((t) => resolve(io.cwd, t)));
  const result = await auditExtraction(targets, extraction, {
    dbDir: auditDbDir(flags.db, config, io),
    clock,
    ignores: config.audit.ignore,
    vex: await vexStatements(config, flags.vex ?? [], io),
    maxDbAgeDays: maxAge(flags.maxDbAge) ?? config.audit.maxDbAgeDays,
  });
  reportWarnings(result, flags.verbose ?? false, io);
  await writeOutput(renderAudit(result.report, flags.format, { verbose: flags.verbose ?? false }), flags.output, io);
  if (failingVulnerabilities(result.report, flags.failOn ?? config.audit.failOn).length > 0) return EXIT_FINDINGS;
  // Nothing to audit is not a pass: a CI step pointed at the wrong folder must not go green.
  if (result.report.files.length === 0) {
    warn(io, `no manifest or lock file found in ${targets.join(", ")}; nothing was audited`);
    return EXIT_ERROR;
  }
  return result.report.problems.length > 0 ? EXIT_ERROR : EXIT_OK;
}

/** `--db`, else `audit.db` (relative to the config file), else the environment and cache defaults. */
export function auditDbDir(flag: string | undefined, config: VouchConfig, io: CliIo): string {
  if (flag !== undefined) return resolveDbDir(flag, io.env, io.cwd);
  if (config.audit.db !== undefined && config.file !== undefined) return resolve(dirname(config.file), config.audit.db);
  return resolveDbDir(undefined, io.env, io.cwd);
}

async function vexStatements(config: VouchConfig, flagged: readonly string[], io: CliIo): Promise<VexStatement[]> {
  const base = config.file !== undefined ? dirname(config.file) : io.cwd;
  const files = [...config.audit.vex.map((f) => resolve(base, f)), ...flagged.map((f) => resolve(io.cwd, f))];
  return (await Promise.all(files.map(readVexFile))).flat();
}

function maxAge(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new VouchError("E_USAGE", `--max-db-age must be a positive whole number of days, not ${JSON.stringify(value)}`, { hint: "For example --max-db-age 14" });
  return n;
}

function reportWarnings(result: AuditResult, verbose: boolean, io: CliIo): void {
  const { report } = result;
  if (report.database.stale) {
    warn(io, `the vulnerability database is ${report.database.ageDays} days old; run \`vouch db update\` (advisories published since are missing)`);
  }
  for (const s of result.expiredIgnores) warn(io, `the ignore of ${s.rule}${s.path ? ` for ${s.path}` : ""} (owner ${s.owner}) expired on ${s.expires}; it applies no more`);
  if (report.summary.unresolved > 0) warn(io, `${report.summary.unresolved} package(s) have no exact version and were not audited; pin them or audit a lock file`);
  if (report.problems.length > 0) warn(io, `${report.problems.length} problem(s) reading manifests; see the report`);
  if (verbose) for (const s of result.unusedIgnores) warn(io, `the ignore of ${s.rule}${s.path ? ` for ${s.path}` : ""} matched no vulnerability`);
}
