/**
 * `vouch scan PATH...`: parses the flags, runs the library's scan with the configured settings,
 * applies the config's suppressions, renders the report and turns it into an exit code. No scanning
 * or policy logic lives here.
 */
import { Option, type Command } from "commander";
import { resolveClock, type Clock } from "../core/clock.js";
import { loadConfig, settingsFromConfig, type ScanFlags, type VouchConfig } from "../core/config.js";
import { applySuppressions, type SuppressionResult } from "../core/suppress.js";
import { SEVERITIES, type ScanReport, type Severity } from "../core/types.js";
import { REPORT_FORMATS, renderReport, type ReportFormat } from "../report/index.js";
import { scan } from "../scan/scan.js";
import { deriveVerdict } from "../scan/verdict.js";
import { scanExitCode } from "./exit-codes.js";
import type { HubOptions } from "../sources/snapshot.js";
import { hubOptionsFor, withCacheTargets } from "./hf-targets.js";
import { useColor, warn, writeOutput, type CliIo } from "./io.js";
import type { GlobalOptions } from "./main.js";
import { ProgressLine } from "./progress.js";

interface ScanOptions {
  format: ReportFormat;
  output?: string;
  failOn?: Severity;
  strict?: boolean;
  digest: boolean;
  verbose?: boolean;
  hfCache?: boolean;
}

/** Adds the `scan` command; `done` receives the command's exit code. */
export function registerScanCommand(program: Command, io: CliIo, done: (exitCode: number) => void): void {
  program
    .command("scan")
    .description("scan model files and folders without executing them")
    .argument("[path...]", "files, folders or hf://ORG/NAME[@REVISION] models to scan")
    .addOption(new Option("-f, --format <format>", "report format").choices(REPORT_FORMATS).default("text"))
    .option("-o, --output <file>", "write the report to FILE instead of stdout")
    .addOption(
      new Option("--fail-on <severity>", "exit 1 when an unsuppressed finding is at or above SEVERITY (default: high, or scan.failOn in vouch.yaml)")
        .choices(SEVERITIES),
    )
    .option("--strict", "allow only weights in pickles: tensors, arrays and plain containers")
    .option("--no-digest", "do not compute SHA-256 digests")
    .option("-v, --verbose", "list every artifact, clean ones included, and unused suppressions")
    .option("--hf-cache", "also scan every model revision in the Hugging Face cache (HF_HUB_CACHE), without downloading")
    .action(async (paths: string[], options: ScanOptions, command: Command) => {
      done(await runScan(paths, options, command.optsWithGlobals<GlobalOptions & ScanOptions>(), io));
    });
}

async function runScan(given: string[], options: ScanOptions, globals: GlobalOptions, io: CliIo): Promise<number> {
  const paths = await withCacheTargets(given, options.hfCache ?? false, io);
  const clock = resolveClock(globals.now, io.env);
  const config = await loadConfig({ cwd: io.cwd, configPath: globals.config, targets: paths });
  // --hf-cache scans what is cached: its hf:// targets (and any given with it) never download.
  const report = await scanWithProgress(paths, config, scanFlags(options), clock, io, hubOptionsFor(io, options.hfCache ?? false));
  const result = applySuppressions(report, config.suppressions, clock, { deriveVerdict });
  reportSuppressionProblems(result, options.verbose ?? false, io);
  const toFile = options.output !== undefined;
  const text = renderReport(result.report, options.format, {
    color: !toFile && useColor(io.stdout, io.env),
    verbose: options.verbose ?? false,
  });
  await writeOutput(text, options.output, io);
  return scanExitCode(result.report, options.failOn ?? config.scan.failOn);
}

/** Flags override the config only when given: an absent `--strict` must not switch strict mode off. */
function scanFlags(options: ScanOptions): ScanFlags {
  return {
    ...(options.strict ? { strict: true } : {}),
    ...(options.digest === false ? { digest: false } : {}),
  };
}

async function scanWithProgress(paths: string[], config: VouchConfig, flags: ScanFlags, clock: Clock, io: CliIo, hub: HubOptions): Promise<ScanReport> {
  const progress = io.stderr.isTTY ? new ProgressLine(io.stderr) : undefined;
  try {
    return await scan(paths, { settings: settingsFromConfig(config, flags), clock, onProgress: progress?.update, hub });
  } finally {
    progress?.clear();
  }
}

/**
 * An expired suppression changes the result (its findings count again), so it is always worth a
 * warning. An unused one is usually just a file outside this scan, so it is listed only on request.
 */
function reportSuppressionProblems(result: SuppressionResult, verbose: boolean, io: CliIo): void {
  for (const s of result.expired) {
    warn(io, `the suppression of ${s.rule}${s.path ? ` for ${s.path}` : ""} (owner ${s.owner}) expired on ${s.expires}; its findings count again`);
  }
  if (!verbose) return;
  for (const s of result.unused) warn(io, `the suppression of ${s.rule}${s.path ? ` for ${s.path}` : ""} matched no finding`);
}
