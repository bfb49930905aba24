/**
 * Fixture loading for the 7z tests; the member-reading test context is the tar tests' (it records
 * each member's name and the bytes a streaming scanner would read).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { BufferSource } from "../../../src/core/source.js";

export { readingContext, INERT, MALICIOUS } from "../tar/helpers.js";

export const FIXTURES = fileURLToPath(new URL("../../fixtures/sevenzip/", import.meta.url));

export function fixtureBytes(name: string): Buffer {
  return readFileSync(FIXTURES + name);
}

export function fixture(name: string): BufferSource {
  return new BufferSource(fixtureBytes(name));
}
