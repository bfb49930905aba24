/**
 * The pickle format handler: plain pickles, legacy `torch.save` files (five pickles and raw storages),
 * joblib files (pickles with inline array data) and pickle members of containers. Sniffing is by
 * content: a PROTO opcode, or for protocols 0-1 a prefix that disassembles cleanly.
 */
import type { ByteSource } from "../../core/source.js";
import type { FormatHandler, ScanContext, SniffInput } from "../types.js";
import type { ScanSettings } from "../../scan/settings.js";
import { Arg, OPCODES } from "./opcodes.js";
import { PickleStream, type PickleStreamOptions, type PickleStreamResult } from "./stream.js";

/** Stream options from scan settings. */
export function pickleOptions(settings: ScanSettings, mode: PickleStreamOptions["mode"]): PickleStreamOptions {
  const b = settings.budgets;
  return {
    policy: { strict: settings.strict, allow: settings.pickleAllow, deny: settings.pickleDeny },
    limits: { memoEntries: b.pickleMemoEntries, valueBytes: b.pickleValueBytes, stackDepth: b.pickleStackDepth },
    nesting: 0,
    maxNesting: b.pickleNesting,
    nestedBytes: b.nestedPickleBytes,
    mode,
  };
}

/** Reads a whole source through a PickleStream, checking the abort signal between chunks. */
export async function streamPickle(source: ByteSource, opts: PickleStreamOptions, signal: AbortSignal): Promise<PickleStreamResult> {
  const ps = new PickleStream(opts);
  for await (const chunk of source.stream()) {
    if (signal.aborted) break;
    ps.push(chunk);
  }
  return ps.end();
}

/** Reports a stream result into a scan context and records its metadata. */
export function reportPickle(r: PickleStreamResult, ctx: ScanContext): void {
  for (const f of r.findings) {
    ctx.report({
      ruleId: f.ruleId,
      message: f.message,
      ...(f.severity ? { severity: f.severity } : {}),
      ...(f.evidence !== undefined ? { evidence: f.evidence } : {}),
      location: {
        offset: f.offset,
        ...(f.opIndex !== undefined ? { opcodeIndex: f.opIndex } : {}),
        ...(f.pickleIndex !== undefined ? { pickleIndex: f.pickleIndex } : {}),
      },
    });
  }
  if (!r.complete) ctx.markIncomplete();
  ctx.setMetadata("pickle", {
    pickles: r.pickles,
    protocol: r.protocol,
    opcodes: r.opcodes,
    globals: [...r.globals].sort(),
    ...(r.storages !== undefined ? { storages: r.storages } : {}),
  });
}

export const pickleHandler: FormatHandler = {
  id: "pickle",
  access: "stream",
  sniff: sniffPickle,
  async scan(source: ByteSource, ctx: ScanContext) {
    // "file" mode also for members: a gzipped or zipped legacy torch.save stream is still that layout
    const r = await streamPickle(source, pickleOptions(ctx.settings, "file"), ctx.signal);
    reportPickle(r, ctx);
    if (r.layout === "pytorch-legacy") return "pytorch-legacy";
    if (r.layout === "joblib") return "joblib";
    return "pickle";
  },
};

/**
 * Protocol 2+ pickles start with PROTO. Protocol 0/1 pickles have no magic: the head must decode as a
 * run of valid opcodes that starts the way picklers start (a container, a global or a value).
 */
export function sniffPickle({ head }: SniffInput): number {
  if (head.length >= 2 && head[0] === 0x80 && head[1] <= 5) return 80;
  if (head.length === 0 || !"(c]})NIJKLSTUVXFGdlt".includes(String.fromCharCode(head[0]))) return 0;
  return decodesAsOpcodes(head) ? 30 : 0;
}

function decodesAsOpcodes(head: Uint8Array): boolean {
  let pos = 0;
  let ops = 0;
  while (pos < head.length && ops < 64) {
    const info = OPCODES[head[pos]];
    if (!info || info.proto > 1) return false;
    if (info.code === 0x2e) return ops >= 1; // STOP after at least one opcode
    let len: number;
    switch (info.arg) {
      case Arg.None: len = 1; break;
      case Arg.U1: len = 2; break;
      case Arg.U2: len = 3; break;
      case Arg.I4: case Arg.U4: len = 5; break;
      case Arg.F8: len = 9; break;
      case Arg.Line: {
        const nl = head.indexOf(10, pos + 1);
        if (nl < 0 || nl - pos > 256) return ops >= 3 && nl < 0;
        if (!isPrintable(head, pos + 1, nl)) return false;
        len = nl + 1 - pos;
        break;
      }
      case Arg.TwoLines: {
        const a = head.indexOf(10, pos + 1);
        const b = a < 0 ? -1 : head.indexOf(10, a + 1);
        if (a < 0 || b < 0) return ops >= 3;
        if (!isPrintable(head, pos + 1, b)) return false;
        len = b + 1 - pos;
        break;
      }
      case Arg.Bytes1: len = 2 + (head[pos + 1] ?? 0); break;
      case Arg.Bytes4: {
        if (pos + 5 > head.length) return ops >= 3;
        len = 5 + new DataView(head.buffer, head.byteOffset + pos + 1, 4).getUint32(0, true);
        break;
      }
      default:
        return false;
    }
    pos += len;
    ops++;
  }
  return ops >= 3;
}

function isPrintable(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c !== 0x0a && (c < 0x20 || c > 0x7e)) return false;
  }
  return true;
}
