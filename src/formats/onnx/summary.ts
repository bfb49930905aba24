/**
 * The walk's sink for a scan: counts for the metadata (op histogram, parameters), the custom operator
 * domains in use, and the tensors the checks need to see again (external ones, mis-sized ones).
 * Everything kept is bounded by the model's structure, never by its tensor data.
 */
import { sizeProblem, elementCount } from "./checks.js";
import type { NodeInfo, OnnxSink, TensorInfo } from "./model.js";
import { STANDARD_DOMAINS } from "./schema.js";

/** Mis-sized tensors kept for reporting; past this they are only counted. */
const MAX_SIZE_PROBLEMS = 50;

/** Where a non-standard operator domain is used. */
export interface DomainUse {
  /** Op types used from the domain, with counts. */
  ops: Map<string, number>;
  /** The first node that uses it. */
  first: NodeInfo;
}

export class OnnxSummary implements OnnxSink {
  graphs = 0;
  subgraphDepth = 0;
  nodes = 0;
  readonly opTypes = new Map<string, number>();
  readonly customDomains = new Map<string, DomainUse>();
  /** `domain\0name` of every model-local function. */
  readonly functions = new Set<string>();
  initializers = 0;
  parameters = 0n;
  readonly externalTensors: TensorInfo[] = [];
  readonly sizeProblems: { tensor: TensorInfo; problem: string }[] = [];
  sizeProblemCount = 0;

  graph(_path: string, depth: number): void {
    this.graphs++;
    this.subgraphDepth = Math.max(this.subgraphDepth, depth);
  }

  node(n: NodeInfo): void {
    this.nodes++;
    const key = STANDARD_DOMAINS.has(n.domain) ? n.opType : `${n.domain}.${n.opType}`;
    this.opTypes.set(key, (this.opTypes.get(key) ?? 0) + 1);
    if (STANDARD_DOMAINS.has(n.domain)) return;
    const use = this.customDomains.get(n.domain) ?? { ops: new Map<string, number>(), first: n };
    use.ops.set(n.opType, (use.ops.get(n.opType) ?? 0) + 1);
    this.customDomains.set(n.domain, use);
  }

  tensor(t: TensorInfo): void {
    if (t.role === "initializer") {
      this.initializers++;
      this.parameters += elementCount(t.dims) ?? 0n;
    }
    if (t.externalLocation || t.external) this.externalTensors.push(t);
    const problem = sizeProblem(t);
    if (problem === undefined) return;
    if (++this.sizeProblemCount <= MAX_SIZE_PROBLEMS) this.sizeProblems.push({ tensor: t, problem });
  }

  function(domain: string, name: string): void {
    this.functions.add(`${domain}\0${name}`);
  }

  /**
   * The custom domains whose operators the model does not define itself. A node calling a model-local
   * function runs that function's nodes (walked and checked like any others), not native code.
   */
  unresolvedDomains(): [string, DomainUse][] {
    const out: [string, DomainUse][] = [];
    for (const [domain, use] of this.customDomains) {
      const ops = new Map([...use.ops].filter(([op]) => !this.functions.has(`${domain}\0${op}`)));
      if (ops.size > 0) out.push([domain, { ops, first: use.first }]);
    }
    return out.sort(([a], [b]) => a.localeCompare(b));
  }

  /** The `top` most used op types, most used first (ties by name), as an object for the report. */
  topOpTypes(top: number): Record<string, number> {
    const sorted = [...this.opTypes].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
    return Object.fromEntries(sorted.slice(0, top));
  }
}
