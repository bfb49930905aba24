/**
 * Reads OSV records from what `vouch db import` is given: single JSON or YAML files, directory trees
 * of them (the PyPA advisory database layout), and ecosystem `all.zip` archives as OSV publishes
 * them (recognised by content). Yields each decoded document with where it came from; a file that does not decode is yielded
 * as an error, so one bad file is reported instead of stopping the import.
 *
 * YAML is read with the failsafe schema: every scalar stays a string, so an unquoted `fixed: 1.10`
 * is the version `1.10`, not the number 1.1.
 */
import { open, readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { parse as parseYaml } from "yaml";
import { VouchError } from "../../core/errors.js";
import { FileSource } from "../../core/source.js";
import { ExpansionBudget, openMember, readZip, unreadableReason } from "../../formats/zip/index.js";

export type OsvDocument = { origin: string; value: unknown } | { origin: string; error: string };

/** Members above this are not OSV records (the largest real records are a few MB). */
const MAX_RECORD_BYTES = 64 << 20;
/** An ecosystem zip holds one member per record: npm has a few hundred thousand. */
const MAX_ZIP_MEMBERS = 5_000_000;

/** Every record under `path`: a file, a directory (walked recursively, sorted) or a zip. */
export async function* readOsvInputs(path: string): AsyncGenerator<OsvDocument> {
  const st = await statOrThrow(path);
  if (st.isDirectory()) {
    for (const file of await recordFiles(path)) yield await readRecordFile(file, relative(path, file).split(sep).join("/"));
  } else if (await isZip(path)) {
    yield* readZipRecords(path);
  } else if (path.toLowerCase().endsWith(".zip")) {
    throw new VouchError("E_DB_ZIP", `${path} is named like a zip archive but is not one`, { file: path, hint: "Download the ecosystem's all.zip again" });
  } else {
    yield await readRecordFile(path, path);
  }
}

/** True for the file names the importer reads; dot files (`.id-allocator`) are bookkeeping, not records. */
export function isRecordFileName(name: string): boolean {
  return !name.startsWith(".") && /\.(json|ya?ml)$/i.test(name);
}

async function recordFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && isRecordFileName(e.name))
    .map((e) => join(direntDir(e), e.name))
    .filter((file) => !relative(dir, file).split(sep).some((s) => s.startsWith("."))) // .git, .github
    .sort();
}

/** `parentPath` arrived in Node 20.12; earlier 20.x name it `path`. */
function direntDir(e: { parentPath?: string; path?: string }): string {
  return e.parentPath ?? e.path ?? "";
}

async function readRecordFile(file: string, origin: string): Promise<OsvDocument> {
  try {
    return { origin, value: decode(await readFile(file, "utf8"), file) };
  } catch (e) {
    return { origin, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Decodes one record's text by its name: YAML for `.yaml`/`.yml`, JSON otherwise. */
export function decode(text: string, name: string): unknown {
  if (/\.ya?ml$/i.test(name)) return parseYaml(text, { schema: "failsafe", maxAliasCount: 100 });
  return JSON.parse(text);
}

async function* readZipRecords(path: string): AsyncGenerator<OsvDocument> {
  const source = await FileSource.open(path);
  try {
    const listing = await readZip(source, { maxMembers: MAX_ZIP_MEMBERS }).catch((e: unknown) => {
      throw new VouchError("E_DB_ZIP", `${path} is not a readable zip archive: ${e instanceof Error ? e.message : String(e)}`, {
        file: path,
        hint: "Download the ecosystem's all.zip again",
        cause: e,
      });
    });
    if (listing.directory !== "central") {
      throw new VouchError("E_DB_ZIP", `${path} has no central directory`, { file: path, hint: "The download is truncated; fetch it again" });
    }
    const budget = new ExpansionBudget({ maxExpandedBytes: 64 * 2 ** 30, maxRatio: 1000 });
    for (const entry of listing.entries) {
      if (entry.origin !== "central" || entry.name.endsWith("/") || !isRecordFileName(entry.name.split("/").pop() ?? "")) continue;
      const origin = `${path}!${entry.name}`;
      const unreadable = unreadableReason(entry);
      if (unreadable !== undefined || entry.uncompressedSize > MAX_RECORD_BYTES) {
        yield { origin, error: unreadable?.message ?? `member is ${entry.uncompressedSize} bytes, too large for an OSV record` };
        continue;
      }
      const { source: member, state } = openMember(source, entry, budget);
      const chunks: Uint8Array[] = [];
      for await (const chunk of member.stream()) chunks.push(chunk);
      if (state.damage || state.budget) {
        yield { origin, error: state.damage?.message ?? state.budget?.message ?? "unreadable member" };
        continue;
      }
      try {
        yield { origin, value: decode(Buffer.concat(chunks).toString("utf8"), entry.name) };
      } catch (e) {
        yield { origin, error: e instanceof Error ? e.message : String(e) };
      }
    }
  } finally {
    await source.close();
  }
}

/** By content, not name: a download is a zip whatever its temporary name is. */
async function isZip(path: string): Promise<boolean> {
  const fh = await open(path, "r");
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    return bytesRead === 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
  } finally {
    await fh.close();
  }
}

async function statOrThrow(path: string) {
  try {
    return await stat(path);
  } catch (e) {
    throw new VouchError("E_DB_INPUT", `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, {
      file: path,
      hint: "Give an OSV JSON/YAML file, a directory of them, or an ecosystem all.zip",
      cause: e,
    });
  }
}
