/** Shared by the BOM suites: fixture folders, a pinned clock, and a check that every format validates. */
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bom, validateBom, type ValidateOptions } from "../../src/bom/index.js";
import { fixedClock } from "../../src/core/clock.js";

export const ROOT = join(import.meta.dirname, "..", "..");
export const EXAMPLE = join(ROOT, "examples", "tiny-model");
export const FIXTURES = join(ROOT, "test", "fixtures", "bom");
export const clock = fixedClock(new Date("2026-01-01T00:00:00Z"));

export type Doc = Record<string, unknown>;

const temps: string[] = [];

/** A temporary folder holding `files` (name in the folder -> file to copy). */
export function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "vouch-bom-"));
  temps.push(dir);
  for (const [name, from] of Object.entries(files)) copyFileSync(from, join(dir, name));
  return dir;
}

export function removeTemps(): void {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** The CycloneDX 1.6, 1.7 and SPDX 3 BOMs of `dir`, each asserted valid (schema for CycloneDX, semantic for all). */
export async function allBoms(dir: string, options: ValidateOptions = {}): Promise<{ cdx: Doc; cdx17: Doc; spdx: Doc }> {
  const cdx = await bom(dir, { clock, specVersion: "1.6" });
  const cdx17 = await bom(dir, { clock, specVersion: "1.7" });
  const spdx = await bom(dir, { clock, format: "spdx3" });
  for (const doc of [cdx, cdx17, spdx]) {
    const v = await validateBom(doc, options);
    assert.deepEqual(v.problems, [], `${v.format} ${v.specVersion} of ${dir}`);
    assert.equal(v.valid, true);
  }
  return { cdx, cdx17, spdx };
}

export function modelOf(cdx: Doc): Doc {
  return (cdx.metadata as Doc).component as Doc;
}

export function componentsOf(cdx: Doc): Doc[] {
  return cdx.components as Doc[];
}

export function graphOf(spdx: Doc): Doc[] {
  return spdx["@graph"] as Doc[];
}

export function relationships(spdx: Doc, type: string): Doc[] {
  return graphOf(spdx).filter((e) => e.type === "Relationship" && e.relationshipType === type);
}

export function elementById(spdx: Doc, id: string): Doc {
  const el = graphOf(spdx).find((e) => e.spdxId === id);
  assert.ok(el, `element ${id}`);
  return el;
}
