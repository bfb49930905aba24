/**
 * 7-Zip itself (7z-wasm: the 7zz command line compiled to WebAssembly), run against an in-memory file
 * system. Nothing touches the host: the Emscripten FS of each session is its own MEMFS, no host folder
 * is mounted, stdin is closed (so 7-Zip never waits for a password or an answer), and every byte 7-Zip
 * writes under the output folder is counted against a cap that fails the write once exceeded.
 *
 * One session is one fresh WebAssembly instance: after a failure 7-Zip's global state is not to be
 * trusted, and instantiating the (once compiled) module takes milliseconds.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import sevenZipExports from "7z-wasm";
import type { FileSystem, SevenZipModule, SevenZipModuleOptions } from "7z-wasm";

type Factory = (options?: Partial<SevenZipModuleOptions>) => Promise<SevenZipModule>;
/**
 * 7z-wasm is CommonJS whose types describe an ES default export: under NodeNext the default import is
 * `module.exports`, which is the factory and also carries it as `.default`.
 */
const SevenZip = ((sevenZipExports as unknown as { default?: Factory }).default ?? sevenZipExports) as unknown as Factory;

/** The part of the WebAssembly API used here (this project's lib settings do not declare it). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: object): Promise<object>;
}
type WasmModule = object;
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export const ARCHIVE_PATH = "/in/archive.7z";
export const OUT_DIR = "/out";
/** Emscripten's errno for "no space left on device": 7-Zip reports the failed write and stops. */
const ENOSPC = 51;
/** A password 7-Zip is given so that it never prompts: encrypted members then fail to decrypt. */
const NO_PASSWORD = "-pvouch-has-no-password";

let compiled: Promise<WasmModule> | undefined;

/** The 7zz WebAssembly module, compiled once per process. */
function wasmModule(): Promise<WasmModule> {
  compiled ??= readFile(createRequire(import.meta.url).resolve("7z-wasm/7zz.wasm")).then((b) => Wasm.compile(b));
  return compiled;
}

/** How one 7-Zip command ended: its exit code, or `crashed` when it threw out of the runtime. */
export interface RunResult {
  exit: number | "crashed";
  /** stderr lines (errors and warnings), capped. */
  errors: string[];
}

/** The options 7z-wasm passes to Emscripten, with the ones its type declaration leaves out. */
interface InstanceOptions extends Partial<SevenZipModuleOptions> {
  instantiateWasm(imports: object, done: (instance: object, module: WasmModule) => void): object;
}

const MAX_ERROR_LINES = 200;

export class SevenZipSession {
  /** Bytes written under OUT_DIR so far by extraction. */
  written = 0;
  /** Set when a write was refused because it would pass the cap. */
  overCap = false;
  private writeCap = Number.MAX_SAFE_INTEGER;
  private onLine: ((line: string) => void) | undefined;
  private errors: string[] = [];

  private constructor(private readonly module: SevenZipModule) {}

  /** A new 7-Zip instance holding `archive` at ARCHIVE_PATH. */
  static async open(archive: Uint8Array): Promise<SevenZipSession> {
    const wasm = await wasmModule();
    let session: SevenZipSession | undefined;
    const options: InstanceOptions = {
      print: (line) => session?.onLine?.(line),
      printErr: (line) => session?.errorLine(line),
      stdin: () => null as unknown as number, // EOF: 7-Zip never blocks on a prompt
      instantiateWasm(imports, done) {
        void Wasm.instantiate(wasm, imports).then((instance) => done(instance, wasm));
        return {};
      },
    };
    const module = await SevenZip(options);
    session = new SevenZipSession(module);
    session.meterWrites();
    module.FS.mkdir("/in");
    module.FS.writeFile(ARCHIVE_PATH, archive);
    return session;
  }

  get fs(): FileSystem {
    return this.module.FS;
  }

  /** `7zz l -slt`: the technical listing, one `Key = Value` block per member, fed line by line to `onLine`. */
  list(onLine: (line: string) => void): RunResult {
    return this.run(["l", "-slt", "-t7z", NO_PASSWORD, ARCHIVE_PATH], onLine);
  }

  /**
   * `7zz x` into OUT_DIR: overwrite prompts answered yes, duplicate names kept under new names (so an
   * earlier member of the same name is not silently replaced), links that leave the folder refused
   * by 7-Zip itself. Writes past `cap` bytes fail.
   */
  extract(cap: number): RunResult {
    this.writeCap = cap;
    return this.run(["x", "-t7z", "-y", "-aou", "-bd", NO_PASSWORD, `-o${OUT_DIR}`, ARCHIVE_PATH]);
  }

  /**
   * Runs one command. The Emscripten runtime sets `process.exitCode` when a program exits or throws;
   * that is this library's business, not the process's, so it is put back afterwards.
   */
  private run(args: string[], onLine?: (line: string) => void): RunResult {
    const savedExitCode = process.exitCode;
    this.errors = [];
    this.onLine = onLine;
    let exit: number | "crashed";
    try {
      const code = this.module.callMain(args) as unknown;
      exit = typeof code === "number" ? code : 0;
    } catch {
      exit = "crashed";
    } finally {
      process.exitCode = savedExitCode;
      this.onLine = undefined;
    }
    return { exit, errors: this.errors };
  }

  private errorLine(line: string): void {
    if (line.trim() !== "" && this.errors.length < MAX_ERROR_LINES) this.errors.push(line.trim());
  }

  /** Wraps the FS write call so extraction cannot write more than the cap into memory. */
  private meterWrites(): void {
    const fs = this.module.FS as FileSystem & { ErrnoError: new (errno: number) => Error };
    const write = fs.write.bind(fs);
    fs.write = (stream, buffer, offset, length, position, canOwn) => {
      const path = (stream as { path?: string }).path ?? "";
      if (path.startsWith(`${OUT_DIR}/`)) {
        if (this.written + length > this.writeCap) {
          this.overCap = true;
          throw new fs.ErrnoError(ENOSPC);
        }
        this.written += length;
      }
      return write(stream, buffer, offset, length, position, canOwn);
    };
  }
}
