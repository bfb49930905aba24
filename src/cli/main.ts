/**
 * The `vouch` command line: global options, one module per command, and the mapping from errors to
 * exit codes. Returns the exit code instead of exiting, so `bin/vouch.js` sets it and tests call
 * `main` in-process.
 */
import { Command, CommanderError } from "commander";
import { VouchError } from "../core/errors.js";
import { EXIT_ERROR, EXIT_OK } from "./exit-codes.js";
import { processIo, type CliIo } from "./io.js";
import { TOOL_VERSION } from "../version.js";

/** Options every command understands. */
export interface GlobalOptions {
  /** `--config PATH`: the vouch.yaml to use instead of the one in the working directory. */
  config?: string;
  /** `--now DATE`: the instant to treat as now (ISO 8601 or Unix seconds). */
  now?: string;
}

type Register = (program: Command, io: CliIo, done: (exitCode: number) => void) => void;

/**
 * Every command and where it lives. Modules load only when their command runs (or for help), so
 * `vouch scan` does not pay for loading Sigstore, the OSV database or the BOM writers.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  scan: async () => (await import("./scan.js")).registerScanCommand,
  sign: async () => (await import("./sign.js")).registerSignCommand,
  verify: async () => (await import("./verify.js")).registerVerifyCommand,
  digest: async () => (await import("./digest.js")).registerDigestCommand,
  keygen: async () => (await import("./keygen.js")).registerKeygenCommand,
  pin: async () => (await import("./pin.js")).registerPinCommand,
  audit: async () => (await import("./audit.js")).registerAuditCommand,
  db: async () => (await import("./db.js")).registerDbCommand,
  provenance: async () => (await import("./provenance.js")).registerProvenanceCommand,
  bom: async () => (await import("./bom.js")).registerBomCommand,
  check: async () => (await import("./check.js")).registerCheckCommand,
  policy: async () => (await import("./policy.js")).registerPolicyCommand,
};

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram(io);
  try {
    const wanted = commandName(argv);
    const names = wanted !== undefined && wanted in COMMANDS ? [wanted] : Object.keys(COMMANDS);
    for (const name of names) (await COMMANDS[name]())(program, io, (code) => (exitCode = code));
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (e) {
    return exitCodeForError(e, io);
  }
}

/** The first word that is not a global option (or its value): the command to run, if any. */
function commandName(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--config" || a === "--now") i++;
    else if (!a.startsWith("-")) return a;
  }
  return undefined;
}

function buildProgram(io: CliIo): Command {
  return (
    new Command("vouch")
      .description("ML supply-chain security: scan model files without executing them")
      .version(TOOL_VERSION, "-V, --version", "print the version")
      .option("--config <path>", "use this vouch.yaml instead of the one in the working directory")
      .option("--now <date>", "treat this instant as now (ISO 8601 or Unix seconds); default SOURCE_DATE_EPOCH, else the clock")
      // Commands inherit these settings: usage errors throw instead of exiting, output goes to `io`.
      .exitOverride()
      .configureOutput({
        writeOut: (text) => io.stdout.write(text),
        writeErr: (text) => io.stderr.write(text),
        outputError: (text, write) => write(`vouch: ${text}`),
      })
      .showHelpAfterError("(run with --help for usage)")
  );
}

/**
 * Commander has already printed its own messages (usage errors, help, version); everything else is
 * printed here. Help and version exit 0; every other failure is exit 2.
 */
function exitCodeForError(e: unknown, io: CliIo): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
  if (e instanceof VouchError) {
    io.stderr.write(`vouch: ${e.describe()}\n`);
    return EXIT_ERROR;
  }
  // Anything else is a bug: the stack is what a bug report needs.
  io.stderr.write(`vouch: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return EXIT_ERROR;
}
