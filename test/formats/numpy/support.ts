/** Helpers for the .npy tests: fixtures, hand-built files and a handler run that records the pickle member. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { npyHandler } from "../../../src/formats/numpy/index.js";
import { makeTestContext, type TestContext } from "../../support/context.js";
import { CountingSource } from "../compression/support.js";

export const FIXTURES = fileURLToPath(new URL("../../fixtures/numpy/", import.meta.url));

export function fixture(name: string): Uint8Array {
  return readFileSync(FIXTURES + name);
}

/**
 * A .npy file as numpy writes it: magic, version, header length, the header text padded with
 * spaces to a multiple of 64 bytes and ended by a newline, then `data`.
 */
export function npy(header: string, data: Uint8Array = new Uint8Array(0), version: 1 | 2 | 3 = 1): Uint8Array {
  const lengthBytes = version === 1 ? 2 : 4;
  const text = Buffer.from(header, version === 3 ? "utf8" : "latin1");
  const unpadded = 8 + lengthBytes + text.length + 1;
  const padded = Math.ceil(unpadded / 64) * 64;
  const body = Buffer.concat([text, Buffer.alloc(padded - unpadded, 0x20), Buffer.from("\n")]);
  const pre = Buffer.alloc(8 + lengthBytes);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(pre);
  if (version === 1) pre.writeUInt16LE(body.length, 8);
  else pre.writeUInt32LE(body.length, 8);
  return Buffer.concat([pre, body, data]);
}

export interface NpyOutcome {
  ctx: TestContext;
  error?: unknown;
  source: CountingSource;
  member?: { name: string; format?: string; bytes: Uint8Array; size: number };
}

/** Runs the handler; the member callback sniffs the head, then reads the member's stream in full. */
export async function scanNpy(bytes: Uint8Array, chunkSize?: number): Promise<NpyOutcome> {
  const source = new CountingSource(bytes, chunkSize);
  const out: NpyOutcome = { ctx: undefined as unknown as TestContext, source };
  out.ctx = makeTestContext({
    onMember: async (name, member, format) => {
      await member.read(0, 4096);
      const parts: Uint8Array[] = [];
      for await (const c of member.stream()) parts.push(c);
      out.member = { name, ...(format !== undefined ? { format } : {}), bytes: Buffer.concat(parts), size: member.size };
      return { path: name, format: format ?? "pickle" };
    },
  });
  try {
    await npyHandler.scan(source, out.ctx);
  } catch (e) {
    out.error = e;
  }
  return out;
}
