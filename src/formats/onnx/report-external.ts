/**
 * Reporting on external data: locations that escape the model's folder (checked on the text of the
 * location, always), and, when the model is a file on disk, what each location names there: a missing
 * file, a link leading outside, a declared byte range past the file's end.
 */
import type { ScanContext } from "../types.js";
import { expectedBytes, locationProblem, parseDecimal } from "./checks.js";
import { inspectExternalFile, type ExternalFile } from "./external.js";
import type { TensorInfo } from "./model.js";

/** Tensor names quoted in one finding; the rest are counted. */
const NAMES_SHOWN = 5;

/**
 * Checks every external tensor and reports per location (one finding per file, not per tensor).
 * Returns the locations that stay inside the model's folder, sorted, for the metadata.
 */
export async function checkExternalData(ctx: ScanContext, tensors: TensorInfo[], model: { dir: string; file: string } | undefined): Promise<string[]> {
  reportUnnamed(ctx, tensors.filter((t) => (t.external?.locations.length ?? 0) === 0));
  const byLocation = groupByLocation(tensors);
  const confined: string[] = [];
  for (const [location, users] of byLocation) {
    const problem = locationProblem(location);
    if (problem !== undefined) {
      reportTraversal(ctx, location, problem, users);
      continue;
    }
    confined.push(location);
    if (model === undefined) continue;
    const file = await inspectExternalFile(model.dir, model.file, location);
    // only the tensors that actually read this file (their last location) are checked against its size
    reportFile(ctx, location, file, users.filter((t) => t.external?.locations.at(-1) === location));
  }
  return confined.sort();
}

/** Tensors by every location they name (a tensor naming two is under both: each must be safe). */
function groupByLocation(tensors: TensorInfo[]): Map<string, TensorInfo[]> {
  const out = new Map<string, TensorInfo[]>();
  for (const t of tensors) {
    for (const location of new Set(t.external?.locations ?? [])) {
      const users = out.get(location) ?? [];
      users.push(t);
      out.set(location, users);
    }
  }
  return out;
}

function reportUnnamed(ctx: ScanContext, tensors: TensorInfo[]): void {
  if (tensors.length === 0) return;
  ctx.report({
    ruleId: "onnx/external-data-missing",
    message: `${names(tensors)} ${tensors.length === 1 ? "is" : "are"} stored externally but name no location: the model cannot be loaded`,
    location: { offset: tensors[0].at },
  });
}

function reportTraversal(ctx: ScanContext, location: string, problem: string, users: TensorInfo[]): void {
  ctx.report({
    ruleId: "onnx/external-data-traversal",
    message: `External data location ${JSON.stringify(location)} ${problem}: loading the model reads that file into ${names(users)}, outside the model's folder`,
    evidence: location,
    location: { offset: users[0].at },
  });
}

function reportFile(ctx: ScanContext, location: string, file: ExternalFile, users: TensorInfo[]): void {
  const where = { offset: users[0]?.at };
  const quoted = JSON.stringify(location);
  switch (file.status) {
    case "missing":
      ctx.report({ ruleId: "onnx/external-data-missing", message: `External data file ${quoted} does not exist beside the model`, evidence: location, location: where });
      return;
    case "not-a-file":
      ctx.report({ ruleId: "onnx/external-data-missing", message: `External data location ${quoted} is not a regular file`, evidence: location, location: where });
      return;
    case "escapes":
      ctx.report({
        ruleId: "onnx/external-data-symlink",
        message: `External data location ${quoted} is a link that resolves outside the model's folder: loading the model reads that file`,
        evidence: `${location} -> ${file.target}`,
        location: where,
      });
      return;
    case "ok":
      reportRanges(ctx, location, file.size, users);
  }
}

/** Tensors whose declared offset and length do not lie within the external file. */
function reportRanges(ctx: ScanContext, location: string, size: number, users: TensorInfo[]): void {
  const bad: string[] = [];
  for (const t of users) {
    const problem = rangeProblem(t, size);
    if (problem !== undefined) bad.push(`"${t.name}" ${problem}`);
  }
  if (bad.length === 0) return;
  ctx.report({
    ruleId: "onnx/external-data-range",
    message: `${bad.length} tensor(s) declare data outside ${JSON.stringify(location)} (${size} bytes): ${bad.slice(0, NAMES_SHOWN).join("; ")}${bad.length > NAMES_SHOWN ? "; ..." : ""}`,
    evidence: location,
    location: { offset: users[0].at },
  });
}

/** Why a tensor's byte range does not fit a file of `size` bytes, or undefined when it fits. */
export function rangeProblem(t: TensorInfo, size: number): string | undefined {
  const ext = t.external ?? { locations: [] };
  const offset = ext.offset === undefined ? 0 : parseDecimal(ext.offset);
  if (offset === undefined) return `has offset ${JSON.stringify(ext.offset)}, not a decimal number`;
  let length: number | undefined;
  if (ext.length !== undefined) {
    length = parseDecimal(ext.length);
    if (length === undefined) return `has length ${JSON.stringify(ext.length)}, not a decimal number`;
  } else {
    const want = expectedBytes(t);
    length = want === undefined ? 0 : Number(want);
  }
  return offset + length > size ? `spans bytes ${offset}..${offset + length}` : undefined;
}

function names(tensors: TensorInfo[]): string {
  const shown = tensors.slice(0, NAMES_SHOWN).map((t) => `"${t.name}"`).join(", ");
  const rest = tensors.length - NAMES_SHOWN;
  return `tensor${tensors.length === 1 ? "" : "s"} ${shown}${rest > 0 ? ` and ${rest} more` : ""}`;
}
