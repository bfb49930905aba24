/**
 * `vouch provenance TARGET`: parses the flags, runs the library's provenance() and renders the
 * report (text, Markdown, JSON) or, with `--slsa`, the in-toto statement with a SLSA provenance
 * predicate whose subject is the model's identity digest. Exit code 1 when a warning is at or above
 * `--fail-on` (default high: a hash mismatch, a look-alike name, a file the Hub flags as unsafe).
 */
import { Option, type Command } from "commander";
import { resolveClock } from "../core/clock.js";
import { SEVERITIES, severityRank, type Severity } from "../core/types.js";
import { provenance } from "../provenance/collect.js";
import { PROVENANCE_FORMATS, renderProvenance, type ProvenanceFormat } from "../provenance/render.js";
import { slsaStatement, type ModelDigestFn } from "../provenance/slsa.js";
import type { ProvenanceReport } from "../provenance/types.js";
import { canonicalJson } from "../report/json.js";
import { modelDigest } from "../sign/digest.js";
import { EXIT_FINDINGS, EXIT_OK } from "./exit-codes.js";
import { hubOptionsFor } from "./hf-targets.js";
import { writeOutput, type CliIo } from "./io.js";
import type { GlobalOptions } from "./main.js";

interface ProvenanceFlags {
  format: ProvenanceFormat;
  output?: string;
  slsa?: boolean;
  offline?: boolean;
  failOn: Severity;
}

/**
 * The subject digest of `--slsa`: the signing library's model identity. Symlinks are read as their
 * targets' content, so a Hugging Face cache snapshot gets the digest its files have.
 */
const identity: ModelDigestFn = (path) => modelDigest(path, { allowSymlinks: true });

export function registerProvenanceCommand(program: Command, io: CliIo, done: (exitCode: number) => void): void {
  program
    .command("provenance")
    .description("report where a model came from: Hub revision, card, lineage, per-file verification, git history, warnings")
    .argument("<target>", "a model folder, a file, or hf://ORG/NAME[@REVISION]")
    .addOption(new Option("-f, --format <format>", "report format").choices(PROVENANCE_FORMATS).default("text"))
    .option("--slsa", "print an in-toto Statement v1 with a SLSA provenance v1 predicate instead of the report")
    .option("-o, --output <file>", "write to FILE instead of stdout")
    .option("--offline", "never contact the Hub (also HF_HUB_OFFLINE=1): use the local cache only")
    .addOption(new Option("--fail-on <severity>", "exit 1 when a warning is at or above SEVERITY").choices(SEVERITIES).default("high"))
    .action(async (target: string, _flags: ProvenanceFlags, command: Command) => {
      done(await runProvenance(target, command.optsWithGlobals<GlobalOptions & ProvenanceFlags>(), io));
    });
}

async function runProvenance(target: string, flags: GlobalOptions & ProvenanceFlags, io: CliIo): Promise<number> {
  const clock = resolveClock(flags.now, io.env);
  const hub = hubOptionsFor(io, flags.offline === true);
  const report = await provenance(target, { hub, clock });
  const text = flags.slsa
    ? canonicalJson(slsaStatement(report, await identity(report.source.path), hub.settings!.endpoint))
    : renderProvenance(report, flags.format);
  await writeOutput(text, flags.output, io);
  return provenanceExitCode(report, flags.failOn);
}

export function provenanceExitCode(report: ProvenanceReport, failOn: Severity): number {
  return report.warnings.some((w) => severityRank(w.severity) >= severityRank(failOn)) ? EXIT_FINDINGS : EXIT_OK;
}
