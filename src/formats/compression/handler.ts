/**
 * The one scan algorithm every compression format shares:
 *
 *   decode the stream -> meter the expansion -> scan the decompressed bytes as a member
 *   -> finish the pass -> report budget, trailing bytes and decode errors.
 *
 * The decompressed bytes are produced once: the member sees them through a OnePassSource whose live
 * pass is the decoder itself, so the compressed file is read (and hashed by the orchestrator) once.
 * A decode error ends the member's stream cleanly, so the member is scanned up to the break, and
 * is thrown only afterwards: the orchestrator turns it into `format/malformed`.
 */
import { OnePassSource, type ByteSource } from "../../core/source.js";
import type { Budgets } from "../../scan/settings.js";
import type { FormatHandler, ScanContext } from "../types.js";
import { ExpansionMeter, type BudgetBreach } from "./budget.js";
import type { CompressionFormat, DecodeFacts } from "./format.js";
import { ByteInput, type RestOfInput } from "./input.js";
import { innerName } from "./names.js";

export function compressionHandler(format: CompressionFormat): FormatHandler {
  return {
    id: format.id,
    access: "stream",
    sniff: (input) => format.sniff(input),
    scan: (source, ctx) => scanCompressed(format, source, ctx),
  };
}

async function scanCompressed(format: CompressionFormat, source: ByteSource, ctx: ScanContext): Promise<void> {
  const input = new ByteInput(source.stream(), format.id);
  const run = new DecodeRun(format, input, ctx.settings.budgets, ctx.signal);
  const member = new OnePassSource(undefined, run.output(), () => replay(format, source, ctx));

  await ctx.scanMember(innerName(ctx.memberPath || ctx.artifactPath, format), member);
  const expanded = await member.drain(); // decode what the member did not read: checks verified, size known
  const streamEnd = input.offset;
  const after = await input.rest(); // read the file to its end, for its digest

  ctx.setMetadata("compression", {
    format: format.id,
    compressedBytes: streamEnd,
    expandedBytes: expanded,
    complete: run.failure === undefined && run.meter.breach === undefined && !run.aborted,
    ...run.facts,
    ...(after.length > 0 && run.finished ? { bytesAfterStream: after.length } : {}),
  });
  reportOutcome(ctx, format, run, streamEnd, after);
}

/** Budget breach and abort as findings; a decode error thrown (after everything else is recorded); trailing bytes. */
function reportOutcome(ctx: ScanContext, format: CompressionFormat, run: DecodeRun, streamEnd: number, after: RestOfInput): void {
  if (run.meter.breach) reportBreach(ctx, format, run.meter.breach);
  if (run.aborted) ctx.markIncomplete();
  if (run.failure !== undefined) throw run.failure;
  if (run.finished) reportRestOfInput(ctx, format, streamEnd, after);
}

/**
 * One pass of a decoder, as the stream the member reads. It stops at a budget breach or when the scan
 * is aborted, and turns a decode error into a clean end of stream, keeping the error for the handler.
 */
class DecodeRun {
  readonly facts: DecodeFacts = {};
  readonly meter: ExpansionMeter;
  failure?: unknown;
  aborted = false;
  /** True when the decoder reached the end of its compressed data without error. */
  finished = false;

  constructor(
    private readonly format: CompressionFormat,
    private readonly input: ByteInput,
    budgets: Budgets,
    private readonly signal: AbortSignal,
  ) {
    this.meter = new ExpansionMeter(budgets, () => input.offset);
  }

  async *output(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of this.format.decode(this.input, this.facts)) {
        const allowed = this.meter.admit(chunk.length);
        if (allowed > 0) yield allowed === chunk.length ? chunk : chunk.subarray(0, allowed);
        if (this.meter.breach) return;
        if (this.signal.aborted) {
          this.aborted = true;
          return;
        }
      }
      this.finished = true;
    } catch (e) {
      // Kept, not rethrown: the member sees the stream end where the data broke off.
      this.failure = e;
    }
  }
}

/** A second decode of the same file, for a member that reads its bytes twice. Its errors were already reported. */
function replay(format: CompressionFormat, source: ByteSource, ctx: ScanContext): AsyncIterable<Uint8Array> {
  return new DecodeRun(format, new ByteInput(source.stream(), format.id), ctx.settings.budgets, ctx.signal).output();
}

function reportBreach(ctx: ScanContext, format: CompressionFormat, breach: BudgetBreach): void {
  ctx.report({
    ruleId: "compression/budget-exceeded",
    message: `The ${format.id} stream was not decompressed to its end: ${breach.reason}.`,
    location: { offset: breach.consumed },
    evidence: `${breach.expanded} bytes from ${breach.consumed} compressed bytes`,
  });
}

/** Zero padding after a stream is common (tape blocks) and ignored by decompressors; anything else is reported. */
function reportRestOfInput(ctx: ScanContext, format: CompressionFormat, streamEnd: number, after: RestOfInput): void {
  if (after.firstNonZero < 0) return;
  ctx.report({
    ruleId: "compression/trailing-data",
    message: `${after.length} bytes follow the end of the ${format.id} stream at offset ${streamEnd}; they were not scanned.`,
    location: { offset: after.firstNonZero },
    evidence: Buffer.from(after.head).toString("hex"),
  });
}
