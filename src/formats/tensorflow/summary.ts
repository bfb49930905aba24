/**
 * The graph walk's sink for a scan: op counts for the metadata, and the nodes whose ops reach outside
 * the graph, kept until the Saver's scopes are known (a SaverDef comes after its graph in the file).
 */
import type { TfNode, TfSink } from "./graph.js";
import { classifyOp } from "./ops.js";

/** Dangerous nodes kept for reporting; past this they are only counted (and reported as a group). */
const MAX_CANDIDATES = 10_000;

export class TfSummary implements TfSink {
  nodes = 0;
  functionNodes = 0;
  functions = 0;
  readonly ops = new Map<string, number>();
  readonly candidates: TfNode[] = [];
  /** Dangerous nodes beyond MAX_CANDIDATES, by op. */
  readonly overflow = new Map<string, number>();

  node(n: TfNode): void {
    if (n.fn === undefined) this.nodes++;
    else this.functionNodes++;
    this.ops.set(n.op, (this.ops.get(n.op) ?? 0) + 1);
    if (!classifyOp(n.op)) return;
    if (this.candidates.length < MAX_CANDIDATES) this.candidates.push(n);
    else this.overflow.set(n.op, (this.overflow.get(n.op) ?? 0) + 1);
  }

  function(): void {
    this.functions++;
  }

  /** The `top` most used ops, most used first (ties by name). */
  topOps(top: number): Record<string, number> {
    const sorted = [...this.ops].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
    return Object.fromEntries(sorted.slice(0, top));
  }
}
