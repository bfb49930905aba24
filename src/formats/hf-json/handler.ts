/**
 * JSON objects from Hugging Face repositories (config.json, tokenizer_config.json, chat_template.json,
 * processor_config.json, or any JSON object by another name: content decides, not the name). Two
 * things in them make loading run something: a `chat_template` that a server renders, and an
 * `auto_map` that makes transformers import the repository's Python files under trust_remote_code.
 *
 * Wraps the plain text handler rather than replacing it: it sniffs one point above it, and only for
 * text that opens a JSON object, so everything else stays the text handler's.
 */
import type { ByteSource } from "../../core/source.js";
import { isTextHead, opensJsonObject, readTextCapped } from "../chat-template/read-text.js";
import { TemplateChecker } from "../chat-template/report.js";
import type { FormatHandler, ScanContext, SniffInput } from "../types.js";
import { keysInStream } from "./oversize.js";
import { remoteCodeEvidence, remoteCodeOf } from "./remote-code.js";
import { templatesInRawText, templatesOf, type FoundTemplate } from "./templates.js";

/** JSON read whole up to this size. Configs are kilobytes; larger files are vocabularies (tokenizer.json). */
export const MAX_JSON_BYTES = 16 << 20;

/** Just above the plain text handler (5), below every binary magic. */
export const JSON_SNIFF = 6;

export const hfJsonHandler: FormatHandler = {
  id: "json",
  access: "stream",
  sniff: (input: SniffInput) => (input.size > 0 && isTextHead(input) && opensJsonObject(input.head) ? JSON_SNIFF : 0),
  async scan(source: ByteSource, ctx: ScanContext) {
    const raw = await readTextCapped(source, MAX_JSON_BYTES, ctx.signal);
    if (raw === undefined) {
      if (!ctx.signal.aborted) await reportOversize(source, ctx);
      return "json";
    }
    const doc = parseJson(raw);
    const templates = new TemplateChecker(ctx);
    for (const t of templatesToCheck(doc, raw)) templates.check(t.text, { label: t.label });
    const remote = reportRemoteCode(doc, ctx);
    if (templates.seen.length > 0 || remote) {
      ctx.setMetadata("hf", { ...(templates.seen.length > 0 ? { chatTemplates: templates.seen } : {}), ...(remote ? { autoMap: remote } : {}) });
    }
    return "json";
  },
};

/** JSON.parse, or undefined for text it rejects (which Python's json may still accept, see templatesToCheck). */
function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/**
 * The templates a loader may take: those of the parsed document, plus any other `chat_template`
 * string in the raw text (a repeated key, or a document JSON.parse rejects), each distinct text once.
 */
function templatesToCheck(doc: unknown, raw: string): FoundTemplate[] {
  const found = templatesOf(doc);
  const seen = new Set(found.map((t) => t.text));
  for (const t of templatesInRawText(raw)) {
    // in a parsed document, `template` keys belong to the named list (already found) or to unrelated settings
    if ((doc !== undefined && t.label !== "chat_template") || seen.has(t.text)) continue;
    seen.add(t.text);
    found.push({ label: `${t.label} (found in the raw text)`, text: t.text });
  }
  return found;
}

function reportRemoteCode(doc: unknown, ctx: ScanContext): string[] | undefined {
  const rc = remoteCodeOf(doc);
  if (!rc) return undefined;
  const elsewhere = rc.otherRepositories.length > 0 ? `, including code from other repositories (${rc.otherRepositories.join(", ")})` : "";
  ctx.report({
    ruleId: "hf/remote-code",
    message: `auto_map points at Python classes shipped with the model${elsewhere}: loading with trust_remote_code=True runs the repository's Python files`,
    evidence: remoteCodeEvidence(rc),
  });
  return rc.entries;
}

/**
 * JSON over the limit: a note when it names neither key (a large vocabulary), else what could not be
 * checked. An unread chat template leaves the file unjudged; an unread auto_map is still remote code.
 */
async function reportOversize(source: ByteSource, ctx: ScanContext): Promise<void> {
  const size = source.sizeKnown === false ? `more than ${MAX_JSON_BYTES}` : String(source.size);
  const keys = await keysInStream(source, ctx.signal);
  if (!keys) return; // out of time: the orchestrator reports the budget
  const over = `The JSON file is ${size} bytes, over the ${MAX_JSON_BYTES}-byte limit`;
  if (keys.size === 0) {
    ctx.report({ ruleId: "hf/json-not-checked", message: `${over}: chat templates and auto_map in it were not checked` });
  }
  if (keys.has("chat_template")) {
    ctx.report({ ruleId: "template/unchecked", message: `${over}, and it has a chat_template key: the template was not checked` });
  }
  if (keys.has("auto_map")) {
    ctx.report({
      ruleId: "hf/remote-code",
      message: `${over}, and it has an auto_map key: loading with trust_remote_code=True runs the repository's Python files (the entries were not read)`,
      evidence: "auto_map",
    });
  }
}
