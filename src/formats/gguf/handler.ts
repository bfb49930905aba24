/**
 * The GGUF format handler (llama.cpp models). GGUF stores no code, but its metadata carries Jinja chat
 * templates that inference servers render, and its tensor table tells loaders where to read. The
 * handler reads the header, metadata and tensor infos with positioned reads (never the tensor data;
 * the orchestrator hashes the file alongside), checks every chat template as it is read, then checks
 * that the tensors tile the data section.
 */
import type { ByteSource } from "../../core/source.js";
import { TemplateChecker } from "../chat-template/report.js";
import { MAX_TEMPLATE_CHARS } from "../chat-template/check.js";
import { measuredLength, reportCapped } from "../common.js";
import type { FormatHandler, ScanContext, SniffInput } from "../types.js";
import { checkLayout, type LayoutIssue } from "./layout.js";
import { GgufContents, MAGIC, parseGguf, type GgufCallbacks } from "./parse.js";
import { isChatTemplateKey, summarize } from "./summary.js";

/** Findings of one rule past this many are summarised in one: a hostile tensor table cannot flood the report. */
export const MAX_REPORTED_PER_RULE = 20;

/** `general.*` strings (name, author, license, ...) are kept for metadata up to this length. */
const GENERAL_STRING_BYTES = 1 << 16;

export const ggufHandler: FormatHandler = {
  id: "gguf",
  access: "random",
  sniff: sniffGguf,
  async scan(source: ByteSource, ctx: ScanContext) {
    const size = await measuredLength(source, ctx);
    if (size === undefined) return;
    const contents = new GgufContents();
    const templates = new TemplateChecker(ctx);
    let parameters: bigint | undefined;
    try {
      await parseGguf(source, size, contents, callbacks(templates, ctx));
      const layout = checkLayout(contents, size);
      parameters = layout.elements;
      reportCapped(layout.issues, ctx, MAX_REPORTED_PER_RULE);
    } finally {
      reportDuplicates(contents, ctx);
      ctx.setMetadata("gguf", summarize(contents, parameters));
    }
  },
};

/** The GGUF magic at offset 0. The version is not checked here: an unsupported one is reported as a broken GGUF. */
export function sniffGguf({ head }: SniffInput): number {
  return head.length >= 4 && MAGIC.every((b, i) => head[i] === b) ? 90 : 0;
}

/** Chat templates are kept (and checked as soon as they are read); `general.*` strings are kept for metadata. */
function callbacks(templates: TemplateChecker, ctx: ScanContext): GgufCallbacks {
  return {
    signal: ctx.signal,
    wantString: (key) => (isChatTemplateKey(key) ? 3 * MAX_TEMPLATE_CHARS : key.startsWith("general.") ? GENERAL_STRING_BYTES : 0),
    onString(key, value) {
      if (!isChatTemplateKey(key)) return;
      const site = { label: key, offset: value.offset };
      if (value.text === undefined) templates.tooLong(value.byteLength, site);
      else templates.check(value.text, site);
    },
  };
}

function reportDuplicates(contents: GgufContents, ctx: ScanContext): void {
  reportCapped(
    contents.duplicates.map((d) => ({
      ruleId: "gguf/duplicate-name" as const,
      message: `The ${d.kind === "key" ? "metadata key" : "tensor name"} ${JSON.stringify(d.name)} appears more than once: readers that keep the first and readers that keep the last see different files`,
      offset: d.offset,
      evidence: d.name,
    })),
    ctx,
    MAX_REPORTED_PER_RULE,
  );
}


