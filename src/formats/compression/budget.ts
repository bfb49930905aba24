/**
 * The expansion budget of one compressed stream: total decompressed bytes and the ratio of
 * decompressed to compressed bytes. A decompression bomb is a small file that expands without end;
 * the meter lets bytes through until a budget runs out, then says which one and where.
 */
import type { Budgets } from "../../scan/settings.js";

/** The ratio budget applies only past this many decompressed bytes: small streams of zeros are not bombs. */
export const RATIO_FLOOR = 1 << 20;

export interface BudgetBreach {
  /** Which budget ran out, for the finding's message. */
  reason: string;
  /** Decompressed bytes let through before the stop. */
  expanded: number;
  /** Compressed bytes consumed at the stop. */
  consumed: number;
}

export class ExpansionMeter {
  expanded = 0;
  breach?: BudgetBreach;

  /** `consumed` reports how many compressed bytes the decoder has read so far. */
  constructor(private readonly budgets: Budgets, private readonly consumed: () => number) {}

  /**
   * Counts `n` more decompressed bytes and returns how many of them may pass. Past the size budget
   * only the bytes up to it pass; past the ratio budget the chunk passes and the stream stops after it.
   */
  admit(n: number): number {
    const room = Math.max(0, this.budgets.maxExpandedBytes - this.expanded);
    if (n > room) {
      this.expanded += room;
      this.stop(`it expands beyond the budget of ${this.budgets.maxExpandedBytes} bytes`);
      return room;
    }
    this.expanded += n;
    const consumed = Math.max(1, this.consumed());
    if (this.expanded > RATIO_FLOOR && this.expanded / consumed > this.budgets.maxRatio) {
      this.stop(`it expands more than ${this.budgets.maxRatio} times (${this.expanded} bytes from ${consumed})`);
    }
    return n;
  }

  private stop(reason: string): void {
    this.breach = { reason, expanded: this.expanded, consumed: this.consumed() };
  }
}
