/**
 * Shared helpers for the zip tests: fixture loading, and a test context whose scanMember behaves like
 * the orchestrator's as far as the zip handler can tell (it sniffs the head, then streams the member
 * to its end) and keeps what it read, so tests can check exactly which bytes each member exposed.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { BufferSource, type ByteSource } from "../../../src/core/source.js";
import { HEAD_BYTES } from "../../../src/formats/types.js";
import { DEFAULT_BUDGETS, type Budgets } from "../../../src/scan/settings.js";
import { makeTestContext, type TestContext } from "../../support/context.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/zip/", import.meta.url));

export function fixtureBytes(name: string): Buffer {
  return readFileSync(FIXTURES + name);
}

export function fixture(name: string): BufferSource {
  return new BufferSource(fixtureBytes(name));
}

export interface ScannedMember {
  name: string;
  format?: string;
  /** The bytes the member's scanner read, start to end. */
  content: Buffer;
}

export interface ReadingContext extends TestContext {
  scanned: ScannedMember[];
}

/**
 * A context whose scanMember reads each member the way a streaming scanner does: the head first
 * (sniffing), then the whole stream. `readMember` replaces that, e.g. to read only the head.
 */
export function readingContext(
  opts: { budgets?: Partial<Budgets>; memberPath?: string; readMember?: (source: ByteSource) => Promise<Buffer> } = {},
): ReadingContext {
  const scanned: ScannedMember[] = [];
  const ctx = makeTestContext({
    settings: { budgets: { ...DEFAULT_BUDGETS, ...opts.budgets } },
    ...(opts.memberPath !== undefined ? { memberPath: opts.memberPath } : {}),
    onMember: async (name, source, format) => {
      const content = await (opts.readMember ?? readWhole)(source);
      scanned.push({ name, ...(format !== undefined ? { format } : {}), content });
      return { path: name, format: format ?? "unknown", size: content.length };
    },
  });
  return Object.assign(ctx, { scanned });
}

/** Sniff-sized head read, then the full stream, as the orchestrator and a streaming scanner would. */
export async function readWhole(source: ByteSource): Promise<Buffer> {
  await source.read(0, HEAD_BYTES);
  const chunks: Uint8Array[] = [];
  for await (const chunk of source.stream()) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export function ruleIds(ctx: TestContext): string[] {
  return ctx.findings.map((f) => f.ruleId).sort();
}

export function findingsOf(ctx: TestContext, ruleId: string) {
  return ctx.findings.filter((f) => f.ruleId === ruleId);
}
