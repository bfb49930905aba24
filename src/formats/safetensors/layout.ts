/**
 * The data section's layout: the tensors' byte ranges, taken in order of their start, must tile the
 * section exactly. The reference loader enforces this; a hole or an overlap is where a second
 * meaning can hide (bytes no tensor owns, or one byte range read as two tensors), and bytes after the
 * last tensor are invisible to loaders that stop there.
 */
import { problem, type Issue, type TensorEntry } from "./entries.js";

type Placed = TensorEntry & { span: NonNullable<TensorEntry["span"]> };

/** Checks the tensors' spans against a data section of `dataBytes` bytes starting at file offset `dataStart`. */
export function checkLayout(tensors: TensorEntry[], dataStart: number, dataBytes: number, issues: Issue[]): void {
  const placed = tensors.filter((t): t is Placed => t.span !== undefined).sort(byStart);
  const limit = BigInt(dataBytes);
  let cursor = 0n;
  let previous: Placed | undefined;
  for (const t of placed) {
    const { start, end } = t.span;
    const label = `tensor ${JSON.stringify(t.name)}`;
    if (end > limit) {
      issues.push(problem("E_SAFETENSORS_OFFSETS", `${label} has data_offsets [${start}, ${end}] beyond the ${dataBytes}-byte data section`, t.span.offset));
    }
    if (start < cursor && previous) {
      issues.push(problem("E_SAFETENSORS_OVERLAP", `${label} [${start}, ${end}] overlaps tensor ${JSON.stringify(previous.name)} [${previous.span.start}, ${previous.span.end}]`, t.offset));
    } else if (start > cursor && start <= limit) {
      issues.push(problem("E_SAFETENSORS_GAP", `data bytes [${cursor}, ${start}) before ${label} belong to no tensor`, dataStart + Number(cursor)));
    }
    if (end >= cursor) {
      cursor = end;
      previous = t;
    }
  }
  if (cursor < limit) issues.push(trailing(dataStart, cursor, limit));
}

function trailing(dataStart: number, cursor: bigint, limit: bigint): Issue {
  return {
    ruleId: "safetensors/trailing-bytes",
    message: `${limit - cursor} bytes after the last tensor's data belong to no tensor`,
    offset: dataStart + Number(cursor),
  };
}

/** By start, then end (empty tensors before a tensor that starts at the same byte), then name for determinism. */
function byStart(a: Placed, b: Placed): number {
  const d = cmp(a.span.start, b.span.start) || cmp(a.span.end, b.span.end);
  return d || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
