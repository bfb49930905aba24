/**
 * The database on disk, and how it changes without ever being half-written.
 *
 * ```
 * <dir>/CURRENT                      {"generation": "gen-..."}: the one pointer readers follow
 * <dir>/gen-<id>/manifest.json       sources, counts, bucket counts (see `Manifest`)
 * <dir>/gen-<id>/sources/<slug>.jsonl   each source's advisories, one JSON per line, sorted by id
 * <dir>/gen-<id>/index/<eco>/data.jsonl one line per package name: [name, Advisory[]], the
 *                                       advisories' `affected` cut down to that package, and their
 *                                       `versions` to those no range covers (`versionsNotInRanges`),
 *                                       without `details` (kept in sources/)
 * <dir>/gen-<id>/index/<eco>/<n>.json   bucket n of the name -> [offset, length] map into data.jsonl
 * <dir>/.lock                         held by the one process writing
 * ```
 *
 * A change writes a complete new generation next to the current one, then replaces `CURRENT` by a
 * rename, which is atomic: a reader sees the old database or the new one, never a mixture, and a
 * writer that dies mid-way leaves only an unreferenced folder that the next writer removes. The
 * previous generation is kept, so an audit that started on it can finish.
 *
 * The index is what makes an audit fast: looking a package up reads one small bucket file (cached)
 * and one line of data, instead of parsing the whole database.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import { VouchError } from "../../core/errors.js";
import type { Advisory } from "../types.js";
import { AUDITED_ECOSYSTEMS } from "../types.js";
import { normalizeName, versionScheme } from "../version/index.js";
import { versionsNotInRanges } from "../osv/match.js";

/** Bumped when the layout changes; a database of another format must be rebuilt (`vouch db import`/`update`). */
export const DB_FORMAT = 1;

/** One input of the database: an import of a path, or a download of an ecosystem. */
export interface SourceInfo {
  /** Stable name: `import:<absolute path>` or `osv:<ecosystem>`. Re-importing the same path replaces it. */
  name: string;
  kind: "import" | "update";
  /** The path imported or the URL downloaded. */
  location: string;
  /** When it was written into the database (the clock's time). */
  importedAt: string;
  /**
   * How current the data is: the download time for `update` sources (OSV publishes continuously);
   * for imports, the newest `modified` date among the records, because a copied snapshot is only as
   * fresh as its last record. Database age is measured from it.
   */
  asOf: string;
  /** Advisories kept (withdrawn and malformed records are not). */
  advisories: number;
  withdrawn: number;
  malformed: number;
  /** Advisories per ecosystem (an advisory affecting two ecosystems counts in both). */
  ecosystems: Record<string, number>;
}

export interface Manifest {
  format: number;
  /** When this generation was written. */
  createdAt: string;
  /** Sorted by name. */
  sources: SourceInfo[];
  /** Per indexed ecosystem: distinct package names, advisories, and the number of index buckets. */
  index: Record<string, { packages: number; advisories: number; buckets: number }>;
}

/** A source and its advisories, as a generation is built from them. */
export interface SourceData {
  info: SourceInfo;
  advisories: Advisory[];
}

// --- writing

/**
 * Writes a new generation holding exactly `sources` and makes it current. Runs under the writer
 * lock; throws VouchError E_DB_LOCKED when another process holds it.
 */
export async function writeGeneration(dir: string, sources: readonly SourceData[], createdAt: string): Promise<Manifest> {
  await mkdir(dir, { recursive: true });
  return withWriterLock(dir, async () => {
    const previous = await currentGeneration(dir);
    const generation = `gen-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
    const genDir = join(dir, generation);
    try {
      const manifest = await writeGenerationFiles(genDir, sources, createdAt);
      await replaceFile(join(dir, "CURRENT"), `${JSON.stringify({ generation })}\n`);
      await removeStaleGenerations(dir, new Set([generation, previous].filter((g): g is string => g !== undefined)));
      return manifest;
    } catch (e) {
      await rm(genDir, { recursive: true, force: true });
      throw e;
    }
  });
}

async function writeGenerationFiles(genDir: string, sources: readonly SourceData[], createdAt: string): Promise<Manifest> {
  await mkdir(join(genDir, "sources"), { recursive: true });
  const sorted = [...sources].sort((a, b) => cmp(a.info.name, b.info.name));
  for (const s of sorted) {
    const lines = [...s.advisories].sort((a, b) => cmp(a.id, b.id)).map((a) => JSON.stringify(a));
    await writeDurably(join(genDir, "sources", `${sourceSlug(s.info.name)}.jsonl`), lines.length ? `${lines.join("\n")}\n` : "");
  }
  const index: Manifest["index"] = {};
  for (const [ecosystem, byName] of groupByPackage(mergeSources(sorted))) {
    index[ecosystem] = await writeEcosystemIndex(join(genDir, "index", ecosystem), byName);
  }
  const manifest: Manifest = { format: DB_FORMAT, createdAt, sources: sorted.map((s) => s.info), index };
  await writeDurably(join(genDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** One advisory per id across sources: the most recently modified wins, then the later source name. */
function mergeSources(sources: readonly SourceData[]): Advisory[] {
  const byId = new Map<string, Advisory>();
  for (const s of sources) {
    for (const a of s.advisories) {
      const seen = byId.get(a.id);
      if (seen === undefined || modifiedTime(a) >= modifiedTime(seen)) byId.set(a.id, a);
    }
  }
  return [...byId.values()].sort((a, b) => cmp(a.id, b.id));
}

/** ecosystem -> normalized name -> advisories with `affected` reduced to that package. Audited ecosystems only. */
function groupByPackage(advisories: readonly Advisory[]): Map<string, Map<string, Advisory[]>> {
  const out = new Map<string, Map<string, Advisory[]>>();
  for (const a of advisories) {
    const keys = new Set<string>();
    for (const entry of a.affected) {
      if (!(AUDITED_ECOSYSTEMS as readonly string[]).includes(entry.ecosystem)) continue;
      keys.add(`${entry.ecosystem}\u0000${normalizeName(entry.ecosystem, entry.name)}`);
    }
    for (const key of keys) {
      const [ecosystem, name] = key.split("\u0000") as [string, string];
      const scheme = versionScheme(ecosystem)!;
      const affected = a.affected
        .filter((e) => e.ecosystem === ecosystem && normalizeName(e.ecosystem, e.name) === name)
        .map((e) => ({ ...e, versions: versionsNotInRanges(e, scheme) }));
      let names = out.get(ecosystem);
      if (names === undefined) out.set(ecosystem, (names = new Map()));
      const list = names.get(name) ?? [];
      // The index holds what detection and reports use; the full record (details) stays in sources/.
      const { details: _details, published: _published, ...lean } = a;
      list.push({ ...lean, affected });
      names.set(name, list);
    }
  }
  return out;
}

/** About this many names per bucket: a bucket file stays a few tens of kilobytes. */
const NAMES_PER_BUCKET = 2048;

async function writeEcosystemIndex(dir: string, byName: Map<string, Advisory[]>): Promise<Manifest["index"][string]> {
  await mkdir(dir, { recursive: true });
  const names = [...byName.keys()].sort(cmp);
  const buckets = bucketCountFor(names.length);
  const maps: Record<string, [number, number]>[] = Array.from({ length: buckets }, () => ({}));
  const lines: Buffer[] = [];
  let offset = 0;
  const ids = new Set<string>();
  for (const name of names) {
    const advisories = byName.get(name)!;
    for (const a of advisories) ids.add(a.id);
    const line = Buffer.from(`${JSON.stringify([name, advisories])}\n`, "utf8");
    maps[bucketOf(name, buckets)]![name] = [offset, line.length];
    lines.push(line);
    offset += line.length;
  }
  await writeDurably(join(dir, "data.jsonl"), Buffer.concat(lines));
  for (let b = 0; b < buckets; b++) await writeDurably(join(dir, `${b}.json`), JSON.stringify(maps[b]));
  return { packages: names.length, advisories: ids.size, buckets };
}

/** A power of two, so the bucket count can grow with the database without a different hash. */
function bucketCountFor(names: number): number {
  let n = 1;
  while (n * NAMES_PER_BUCKET < names) n *= 2;
  return n;
}

/** FNV-1a over the UTF-16 code units of the normalized name. */
export function bucketOf(name: string, buckets: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % buckets;
}

/** File name of a source's advisories: a hash, because source names are paths and URLs. */
export function sourceSlug(name: string): string {
  return createHash("sha256").update(name).digest("hex").slice(0, 24);
}

async function writeDurably(file: string, data: string | Uint8Array): Promise<void> {
  const fh = await open(file, "w");
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Write-then-rename: the file is replaced whole or not at all. */
async function replaceFile(file: string, data: string): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeDurably(temp, data);
  await rename(temp, file);
}

/** Removes generations other than `keep`, and temp files a crashed writer left behind. */
async function removeStaleGenerations(dir: string, keep: ReadonlySet<string>): Promise<void> {
  for (const name of await readdir(dir)) {
    if ((name.startsWith("gen-") && !keep.has(name)) || name.endsWith(".tmp")) await rm(join(dir, name), { recursive: true, force: true });
  }
}

/**
 * One writer at a time: `.lock` is created exclusively and holds the writer's pid. A lock whose
 * process is gone (a crash) is taken over; a live one is an error, never a wait.
 */
async function withWriterLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const lock = join(dir, ".lock");
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(lock, String(process.pid), { flag: "wx" });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw lockError(lock, e);
      const holder = Number((await readFile(lock, "utf8").catch(() => "")).trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) throw lockError(lock, e, holder);
      await rm(lock, { force: true }); // stale: its writer died
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function lockError(lock: string, cause: unknown, holder?: number): VouchError {
  return new VouchError("E_DB_LOCKED", `the database is being written by ${holder !== undefined ? `process ${holder}` : "another process"}`, {
    file: lock,
    hint: "Wait for the other `vouch db` command to finish; remove the .lock file only if no such process exists",
    cause,
  });
}

// --- reading

/** The generation `CURRENT` points at, or undefined when there is no database yet. */
export async function currentGeneration(dir: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, "CURRENT"), "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new VouchError("E_DB_READ", `cannot read the database pointer (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { file: join(dir, "CURRENT"), cause: e });
  }
  const generation = (JSON.parse(text) as { generation?: unknown }).generation;
  if (typeof generation !== "string" || !/^gen-[a-z0-9-]+$/.test(generation)) {
    throw new VouchError("E_DB_CORRUPT", "the database pointer is damaged", { file: join(dir, "CURRENT"), hint: "Run `vouch db update` or `vouch db import` to rebuild it" });
  }
  return generation;
}

/** The current generation's manifest and every source's advisories (for building the next generation). */
export async function readAllSources(dir: string): Promise<SourceData[]> {
  const generation = await currentGeneration(dir);
  if (generation === undefined) return [];
  const manifest = readManifest(join(dir, generation));
  const out: SourceData[] = [];
  for (const info of manifest.sources) {
    const text = await readFile(join(dir, generation, "sources", `${sourceSlug(info.name)}.jsonl`), "utf8");
    out.push({ info, advisories: text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Advisory) });
  }
  return out;
}

export function readManifest(genDir: string): Manifest {
  const file = join(genDir, "manifest.json");
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(file, "utf8")) as Manifest;
  } catch (e) {
    throw new VouchError("E_DB_CORRUPT", "the database manifest cannot be read", { file, cause: e, hint: "Run `vouch db update` or `vouch db import` to rebuild it" });
  }
  if (manifest.format !== DB_FORMAT) {
    throw new VouchError("E_DB_FORMAT", `the database has format ${String(manifest.format)}, this Vouch reads format ${DB_FORMAT}`, {
      file,
      hint: "Rebuild it with `vouch db update` or `vouch db import`",
    });
  }
  return manifest;
}

/**
 * Read access to one generation. Lookups are synchronous: a bucket is read once and cached, a
 * package's advisories are one positioned read.
 */
export class GenerationReader {
  private readonly buckets = new Map<string, Record<string, [number, number]>>();
  private readonly fds = new Map<string, number>();

  constructor(readonly genDir: string, readonly manifest: Manifest) {}

  /** Advisories for a package (ecosystem + normalized name); empty when there are none. */
  lookup(ecosystem: string, normalizedName: string): Advisory[] {
    const info = this.manifest.index[ecosystem];
    if (info === undefined) return [];
    const bucket = this.bucket(ecosystem, bucketOf(normalizedName, info.buckets));
    const at = Object.hasOwn(bucket, normalizedName) ? bucket[normalizedName] : undefined;
    if (at === undefined) return [];
    const buf = Buffer.allocUnsafe(at[1]);
    readSync(this.dataFd(ecosystem), buf, 0, at[1], at[0]);
    const [name, advisories] = JSON.parse(buf.toString("utf8")) as [string, Advisory[]];
    if (name !== normalizedName) throw new VouchError("E_DB_CORRUPT", `the index points ${normalizedName} at ${name}`, { file: join(this.genDir, "index", ecosystem), hint: "Rebuild the database" });
    return advisories;
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  private bucket(ecosystem: string, n: number): Record<string, [number, number]> {
    const key = `${ecosystem}/${n}`;
    let map = this.buckets.get(key);
    if (map === undefined) {
      map = JSON.parse(readFileSync(join(this.genDir, "index", ecosystem, `${n}.json`), "utf8")) as Record<string, [number, number]>;
      this.buckets.set(key, map);
    }
    return map;
  }

  private dataFd(ecosystem: string): number {
    let fd = this.fds.get(ecosystem);
    if (fd === undefined) {
      fd = openSync(join(this.genDir, "index", ecosystem, "data.jsonl"), "r");
      this.fds.set(ecosystem, fd);
    }
    return fd;
  }
}

/** Opens the current generation; undefined when the directory holds no database. */
export async function openGeneration(dir: string): Promise<GenerationReader | undefined> {
  if (!existsSync(dir)) return undefined;
  const generation = await currentGeneration(dir);
  if (generation === undefined) return undefined;
  const genDir = join(dir, generation);
  return new GenerationReader(genDir, readManifest(genDir));
}

function modifiedTime(a: Advisory): number {
  const t = a.modified !== undefined ? Date.parse(a.modified) : Number.NaN;
  return Number.isNaN(t) ? 0 : t;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
