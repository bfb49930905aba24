/**
 * Helpers for the dependency-audit tests: fixture paths, throwaway folders, zips (stored or
 * deflated, as OSV's all.zip files are) and a database built from the hand-written records.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { crc32, deflateRawSync } from "node:zlib";
import { fixedClock } from "../../src/core/clock.js";
import { importOsv } from "../../src/deps/db/import.js";

export const FIXTURES = resolve(import.meta.dirname, "..", "fixtures", "deps");
export const OSV_FIXTURES = join(FIXTURES, "osv");
export const PROJECTS = join(FIXTURES, "projects");

/** The clock every test audits at: a few weeks after the fixture records were modified. */
export const NOW = fixedClock(new Date("2026-01-20T12:00:00Z"));

const made: string[] = [];

export function tempDir(prefix = "vouch-deps-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function cleanup(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A fresh database holding the hand-written records of `test/fixtures/deps/osv`. */
export async function fixtureDb(): Promise<string> {
  const dir = join(tempDir(), "db");
  await importOsv([OSV_FIXTURES], { dir, clock: NOW });
  return dir;
}

/** A zip of `members`, each deflated (method 8) unless `stored`. */
export function makeZip(members: Record<string, string | Uint8Array>, stored = false): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(members)) {
    const data = typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content);
    const packed = stored ? data : deflateRawSync(data);
    const nameBytes = Buffer.from(name, "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(stored ? 0 : 8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(stored ? 0 : 8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
