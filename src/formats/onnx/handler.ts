/**
 * The ONNX format handler. ONNX graphs are declarative: loading one runs no code from the file. The
 * risks are at the edges: external data whose location reaches outside the model's folder (the loader
 * reads any file the process can), operators from custom domains (which the runtime only has after
 * loading a native library) and tensors whose stored size disagrees with their shape.
 *
 * Steps: walk the model (tensor payloads skipped by offset), then report custom domains, mis-sized
 * tensors and external data, then record the metadata. Findings made before a parse error are kept.
 */
import { basename } from "node:path";
import type { ByteSource } from "../../core/source.js";
import { ProtoReader, withKnownSize } from "../protobuf/index.js";
import type { FormatHandler, ScanContext } from "../types.js";
import { claimExternalData } from "./companion.js";
import { checkExternalData } from "./report-external.js";
import { walkModel, type ModelHeader } from "./model.js";
import { RUNTIME_DOMAINS } from "./schema.js";
import { sniffOnnx } from "./sniff.js";
import { OnnxSummary } from "./summary.js";

/** Op types listed in the metadata histogram. */
const TOP_OP_TYPES = 20;

export const onnxHandler: FormatHandler = {
  id: "onnx",
  access: "random",
  sniff: sniffOnnx,
  scan: scanOnnx,
  claimCompanion: claimExternalData,
};

async function scanOnnx(input: ByteSource, ctx: ScanContext): Promise<void> {
  const source = await withKnownSize(input, ctx.signal);
  const summary = new OnnxSummary();
  let header: ModelHeader = { opsets: [] };
  try {
    header = await walkModel(new ProtoReader(source, { signal: ctx.signal }), summary);
  } finally {
    // a parse error part-way still reports what was seen before it (the orchestrator adds the error)
    reportCustomDomains(ctx, summary);
    reportSizeProblems(ctx, summary);
    const files = await checkExternalData(ctx, summary.externalTensors, modelLocation(ctx));
    ctx.setMetadata("onnx", metadata(header, summary, files));
  }
}

/** The model file's folder and name on disk, when it is a file there (not a member of a container). */
function modelLocation(ctx: ScanContext): { dir: string; file: string } | undefined {
  if (ctx.artifactDir === undefined || ctx.depth !== 0) return undefined;
  return { dir: ctx.artifactDir, file: basename(ctx.artifactPath) };
}

function reportCustomDomains(ctx: ScanContext, summary: OnnxSummary): void {
  for (const [domain, use] of summary.unresolvedDomains()) {
    const ops = [...use.ops].map(([op, n]) => (n > 1 ? `${op} x${n}` : op)).join(", ");
    const builtIn = RUNTIME_DOMAINS.has(domain);
    ctx.report({
      ruleId: "onnx/custom-domain",
      ...(builtIn ? { severity: "low" as const } : {}),
      message: builtIn
        ? `The model uses operators from "${domain}", which ship inside ONNX Runtime rather than the ONNX standard`
        : `The model uses operators from the custom domain "${domain}": a runtime runs them only after loading a native library that implements them`,
      evidence: ops,
      location: { offset: use.first.at },
    });
  }
}

function reportSizeProblems(ctx: ScanContext, summary: OnnxSummary): void {
  for (const { tensor, problem } of summary.sizeProblems) {
    ctx.report({
      ruleId: "onnx/tensor-size-mismatch",
      message: `Tensor "${tensor.name}" (${tensor.role} in ${tensor.graph}) ${problem}`,
      location: { offset: tensor.at },
    });
  }
  const more = summary.sizeProblemCount - summary.sizeProblems.length;
  if (more > 0) {
    ctx.report({ ruleId: "onnx/tensor-size-mismatch", message: `${more} more tensors have sizes that disagree with their shapes` });
  }
}

function metadata(header: ModelHeader, s: OnnxSummary, externalFiles: string[]): Record<string, unknown> {
  return {
    ...(header.irVersion !== undefined ? { irVersion: header.irVersion } : {}),
    ...(header.producerName ? { producer: [header.producerName, header.producerVersion].filter(Boolean).join(" ") } : {}),
    ...(header.domain ? { domain: header.domain } : {}),
    ...(header.modelVersion !== undefined ? { modelVersion: header.modelVersion } : {}),
    opsets: Object.fromEntries(header.opsets.map((o) => [o.domain || "ai.onnx", o.version ?? null])),
    graphs: s.graphs,
    nodes: s.nodes,
    opTypes: s.topOpTypes(TOP_OP_TYPES),
    distinctOpTypes: s.opTypes.size,
    initializers: s.initializers,
    parameters: Number(s.parameters),
    functions: s.functions.size,
    externalData: externalFiles,
  };
}
