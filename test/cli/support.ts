/**
 * Runs the CLI in-process with captured output, and builds throwaway model folders. The pickles are
 * written byte by byte here (protocol 0, readable as text) so each test shows exactly what it scans.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { crc32 } from "node:zlib";
import { main } from "../../src/cli/main.js";
import type { CliIo, OutputStream } from "../../src/cli/io.js";

/** `os.system('id')` via GLOBAL + REDUCE: the classic payload, critical. */
export const EVIL_PICKLE = "cos\nsystem\n(S'id'\ntR.";
/** `{'a': 1}`: harmless. */
export const PLAIN_PICKLE = "(dp0\nS'a'\np1\nI1\ns.";
/** A harmless pickle followed by bytes that are not a pickle: `pickle/trailing-data`, medium. */
export const TRAILING_PICKLE = `${PLAIN_PICKLE}junk`;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  stdoutTTY?: boolean;
  stderrTTY?: boolean;
}

class Capture implements OutputStream {
  text = "";
  constructor(readonly isTTY: boolean, readonly columns = 80) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/** Runs `vouch ARGS` in-process. The environment is empty unless given, so NO_COLOR etc. never leak in. */
export async function runCli(args: string[], options: RunOptions = {}): Promise<CliRun> {
  const stdout = new Capture(options.stdoutTTY ?? false);
  const stderr = new Capture(options.stderrTTY ?? false);
  const io: CliIo = { stdout, stderr, env: options.env ?? {}, cwd: options.cwd ?? tempDir() };
  const code = await main(args, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const made: string[] = [];

/** A fresh empty folder, removed by `cleanup()`. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "vouch-cli-"));
  made.push(dir);
  return dir;
}

/** A folder holding `files` (relative path -> content: a latin1 string, so every byte is as written, or bytes). */
export function modelDir(files: Record<string, string | Uint8Array>): string {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), typeof content === "string" ? Buffer.from(content, "latin1") : content);
  }
  return dir;
}

/**
 * A zip archive of `members` stored without compression, in the layout PyTorch writes
 * (`archive/data.pkl`, ...): local headers, then the central directory, then its end record.
 */
export function storedZip(members: Record<string, string>): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(members)) {
    const data = Buffer.from(content, "latin1");
    const nameBytes = Buffer.from(name, "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); // local file header signature
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18); // compressed size (stored: the same)
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); // central directory header signature
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6); // version needed
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42); // where the local header starts
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); // end of central directory signature
  end.writeUInt16LE(Object.keys(members).length, 8);
  end.writeUInt16LE(Object.keys(members).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

export function cleanup(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
