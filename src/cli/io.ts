/**
 * What the CLI touches of its process: two output streams, the environment and the working
 * directory. Passed in rather than read from `process` so tests run commands in-process with captured
 * output, and so no command reaches for global state.
 */
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { VouchError } from "../core/errors.js";
import { EXIT_ERROR } from "./exit-codes.js";

export interface OutputStream {
  write(chunk: string): unknown;
  /** True for a terminal: colours on stdout, the progress line on stderr. */
  isTTY?: boolean;
  /** Terminal width, when it is a terminal. */
  columns?: number;
}

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
  /**
   * Where vouch.yaml is looked for and `--output` is resolved. Scan targets are passed to the library
   * as given (the report records them verbatim), so relative targets resolve against the process.
   */
  cwd: string;
}

/**
 * The real process. A closed pipe (`vouch scan . | head`) is the reader's choice and is ignored; any
 * other write failure means the report was lost, so the run must not exit 0.
 */
export function processIo(): CliIo {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE") process.exitCode = EXIT_ERROR;
    });
  }
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** Colour only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org). */
export function useColor(stream: OutputStream, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === "");
}

/** Writes a rendered report to `--output FILE` (relative to the working directory) or to stdout. */
export async function writeOutput(text: string, output: string | undefined, io: CliIo): Promise<void> {
  if (output === undefined) {
    io.stdout.write(text);
    return;
  }
  const file = resolve(io.cwd, output);
  try {
    await writeFile(file, text);
  } catch (e) {
    throw new VouchError("E_OUTPUT", `cannot write the report (${(e as NodeJS.ErrnoException).code ?? String(e)})`, {
      file,
      cause: e,
      hint: "Check that the folder exists and is writable",
    });
  }
}

/** `vouch: warning: ...` lines on stderr. */
export function warn(io: CliIo, message: string): void {
  io.stderr.write(`vouch: warning: ${message}\n`);
}
