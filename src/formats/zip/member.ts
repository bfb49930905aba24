/**
 * Member data as a ByteSource. Stored members are a window of the archive; deflated members inflate
 * on demand, as a stream, and stop at the expansion budgets so a decompression bomb costs no more
 * than the budget allows.
 */
import { Readable, pipeline } from "node:stream";
import { createInflateRaw } from "node:zlib";
import { BudgetExceeded, VouchError } from "../../core/errors.js";
import { SliceSource, StreamOnlySource, type ByteSource } from "../../core/source.js";
import type { Budgets } from "../../scan/settings.js";
import { ENCRYPTION_FLAGS, MAX_DEFLATE_EXPANSION, METHOD } from "./records.js";
import type { ZipEntry } from "./reader.js";

/** Expansion ratios are judged only past this much output: small members legitimately compress very well. */
export const RATIO_FLOOR = 1 << 20;
/**
 * How far output may run past the declared size before it counts as a bomb. The member source stops
 * reading at the declared size; this bounds the raw inflate stream itself, whoever consumes it.
 */
export const OVERSIZE_ALLOWANCE = 1 << 20;

/** The artifact-wide expansion budget, shared by all members of one archive. */
export class ExpansionBudget {
  private total = 0;
  /** True once the total ran out: later compressed members are not opened. */
  exhausted = false;

  constructor(readonly limits: Pick<Budgets, "maxExpandedBytes" | "maxRatio">) {}

  /** Counts `bytes` more expanded bytes; returns the error when the total passes the budget. */
  charge(bytes: number, member: string, offset: number): BudgetExceeded | undefined {
    this.total += bytes;
    if (this.total <= this.limits.maxExpandedBytes) return undefined;
    this.exhausted = true;
    return new BudgetExceeded(`bytes expanded from the archive's compressed members (reached in "${member}")`, this.limits.maxExpandedBytes, offset);
  }
}

/** What happened while a member was read; the handler reports it after the member's scan. */
export interface MemberState {
  /** The budget error that stopped reading; the member's scan ended there. */
  budget?: BudgetExceeded;
  /** The deflate data is corrupt or cut short: the content the scanner saw ends at `at`. */
  damage?: { code: string; message: string; at: number };
  /** Furthest output offset produced so far, so re-reading the head does not count twice against the budget. */
  expanded: number;
}

export interface OpenedMember {
  source: ByteSource;
  state: MemberState;
}

/** Why a member's content cannot be read (encrypted, unknown compression), or undefined when it can. */
export function unreadableReason(entry: ZipEntry): { ruleId: "zip/encrypted" | "zip/unsupported-compression"; message: string } | undefined {
  if (entry.flags & ENCRYPTION_FLAGS) {
    return { ruleId: "zip/encrypted", message: `member "${entry.name}" is encrypted (flags 0x${entry.flags.toString(16)}), its content was not scanned` };
  }
  if (entry.method !== METHOD.stored && entry.method !== METHOD.deflate) {
    return { ruleId: "zip/unsupported-compression", message: `member "${entry.name}" uses compression method ${entry.method}, its content was not scanned` };
  }
  return undefined;
}

/** The member's content as a source. Only for readable members (see `unreadableReason`). */
export function openMember(zip: ByteSource, entry: ZipEntry, budget: ExpansionBudget, signal?: AbortSignal): OpenedMember {
  const state: MemberState = { expanded: 0 };
  const data = new SliceSource(zip, entry.dataOffset, entry.compressedSize);
  if (entry.method === METHOD.stored) return { source: data, state };
  if (entry.method !== METHOD.deflate) {
    throw new VouchError("E_ZIP_METHOD", `member "${entry.name}": compression method ${entry.method} cannot be opened`, {
      offset: entry.localHeaderOffset,
      hint: "Check unreadableReason() before opening a member",
    });
  }
  // The declared size comes from the file: cap it by what the compressed bytes can possibly inflate to,
  // so no reader of this source sizes a buffer from a lie.
  const size = Math.min(entry.uncompressedSize, entry.compressedSize * MAX_DEFLATE_EXPANSION);
  const source = new StreamOnlySource(size, () => inflate(data, entry, budget, state, signal));
  return { source, state };
}

/**
 * Inflates the member as a stream. Corrupt or truncated deflate data ends the stream where it broke
 * (recorded in `state.damage`) so the scanner still sees everything before the break; a budget stops
 * it with a BudgetExceeded (recorded in `state.budget`) that the member's scanner receives.
 */
async function* inflate(data: ByteSource, entry: ZipEntry, budget: ExpansionBudget, state: MemberState, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const inflater = createInflateRaw();
  // pipeline tears both streams down together, whichever fails or stops first. Its callback has nothing
  // to do: every error also reaches the loop below through the inflater.
  pipeline(Readable.from(data.stream(), { objectMode: false }), inflater, () => {});
  let produced = 0;
  try {
    for await (const chunk of inflater as AsyncIterable<Buffer>) {
      signal?.throwIfAborted();
      produced += chunk.length;
      const exceeded = checkExpansion(entry, budget, state, produced, inflater.bytesWritten);
      if (exceeded) {
        state.budget = exceeded;
        throw exceeded;
      }
      yield chunk;
    }
  } catch (e) {
    if (!isZlibError(e)) throw e;
    state.damage ??= { code: e.code, message: e.message, at: produced };
  } finally {
    inflater.destroy();
  }
}

/** The budget error for `produced` output bytes from `consumed` compressed bytes, if any. */
function checkExpansion(entry: ZipEntry, budget: ExpansionBudget, state: MemberState, produced: number, consumed: number): BudgetExceeded | undefined {
  if (produced > state.expanded) {
    const total = budget.charge(produced - state.expanded, entry.name, produced);
    state.expanded = produced;
    if (total) return total;
  }
  if (produced > RATIO_FLOOR && produced > consumed * budget.limits.maxRatio) {
    return new BudgetExceeded(`expansion ratio of member "${entry.name}"`, `${budget.limits.maxRatio}:1`, produced);
  }
  if (produced > entry.uncompressedSize + OVERSIZE_ALLOWANCE) {
    return new BudgetExceeded(`output of member "${entry.name}" past its declared size of ${entry.uncompressedSize} bytes`, OVERSIZE_ALLOWANCE, produced);
  }
  return undefined;
}

/** Errors zlib raises for bad input carry a `Z_...` code (Z_DATA_ERROR: corrupt, Z_BUF_ERROR: cut short). */
function isZlibError(e: unknown): e is Error & { code: string } {
  const code: unknown = e instanceof Error ? (e as Error & { code?: unknown }).code : undefined;
  return typeof code === "string" && code.startsWith("Z_");
}
