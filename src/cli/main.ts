/**
 * The `vouch` command line: global options, one module per command, and the mapping from errors to
 * exit codes. Returns the exit code instead of exiting, so `bin/vouch.js` sets it and tests call
 * `main` in-process.
 */
import { Command, CommanderError } from "commander";
import { VouchError } from "../core/errors.js";
import { EXIT_ERROR, EXIT_OK } from "./exit-codes.js";
import { processIo, type CliIo } from "./io.js";
import { registerScanCommand } from "./scan.js";
import { registerSignCommand } from "./sign.js";
import { registerVerifyCommand } from "./verify.js";
import { registerDigestCommand } from "./digest.js";
import { registerKeygenCommand } from "./keygen.js";
import { registerPinCommand } from "./pin.js";
import { registerAuditCommand } from "./audit.js";
import { registerDbCommand } from "./db.js";
import { registerProvenanceCommand } from "./provenance.js";
import { registerBomCommand } from "./bom.js";
import { TOOL_VERSION } from "../version.js";

/** Options every command understands. */
export interface GlobalOptions {
  /** `--config PATH`: the vouch.yaml to use instead of the one in the working directory. */
  config?: string;
  /** `--now DATE`: the instant to treat as now (ISO 8601 or Unix seconds). */
  now?: string;
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram(io);
  registerScanCommand(program, io, (code) => (exitCode = code));
  registerSignCommand(program, io, (code) => (exitCode = code));
  registerVerifyCommand(program, io, (code) => (exitCode = code));
  registerDigestCommand(program, io, (code) => (exitCode = code));
  registerKeygenCommand(program, io, (code) => (exitCode = code));
  registerPinCommand(program, io, (code) => (exitCode = code));
  registerAuditCommand(program, io, (code) => (exitCode = code));
  registerDbCommand(program, io, (code) => (exitCode = code));
  registerProvenanceCommand(program, io, (code) => (exitCode = code));
  registerBomCommand(program, io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (e) {
    return exitCodeForError(e, io);
  }
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
