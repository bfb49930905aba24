/**
 * A one-line progress bar on stderr for long scans: redrawn in place with a carriage return, at most
 * ten times a second, and erased before the report is written. Only used when stderr is a terminal;
 * in a pipe or a CI log it would be noise.
 */
import { printable } from "../report/text.js";
import type { OutputStream } from "./io.js";

export interface ProgressEvent {
  done: number;
  total: number;
  path: string;
}

const ERASE_LINE = "\u001b[2K";
const BAR_WIDTH = 20;
const REDRAW_MS = 100;

export class ProgressLine {
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;

  constructor(
    private readonly stream: OutputStream,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Bound so it can be handed to `scan({ onProgress })` as is. */
  readonly update = (event: ProgressEvent): void => {
    const t = this.now();
    if (t - this.lastDraw < REDRAW_MS && event.done < event.total) return;
    this.lastDraw = t;
    this.drawn = true;
    this.stream.write(`\r${ERASE_LINE}${formatProgress(event, this.stream.columns ?? 80)}`);
  };

  /** Erases the line so the report starts on a clean one. */
  clear(): void {
    if (this.drawn) this.stream.write(`\r${ERASE_LINE}`);
    this.drawn = false;
  }
}

/** `[########............] 12/30 models/x.pkl`, cut to fit `columns` (a full line would wrap). */
export function formatProgress(event: ProgressEvent, columns: number): string {
  const fraction = event.total > 0 ? Math.min(1, event.done / event.total) : 1;
  const filled = Math.round(fraction * BAR_WIDTH);
  const line = `[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}] ${event.done}/${event.total} ${printable(event.path)}`;
  const max = Math.max(10, columns - 1);
  return line.length <= max ? line : `${line.slice(0, max - 3)}...`;
}
