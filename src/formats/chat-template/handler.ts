/**
 * Jinja template files: `chat_template.jinja` and `additional_chat_templates/*.jinja` in Hugging Face
 * repositories, which transformers loads in place of the `chat_template` config key. Recognised by
 * content: text (not a JSON object) whose head holds a Jinja tag. Ordinary markdown has none; text that
 * merely contains `{{` and does not parse stays plain text.
 *
 * The file name breaks ties, never more: text whose head shows no tag is still read as a template when
 * it is named like one (a long preamble must not hide a payload from a loader that reads the whole
 * file); a parse failure is reported only for files named like templates (for other text, braces that
 * are not Jinja are no finding); and the format is reported as `jinja` only for those names (other
 * text that happens to parse, such as markdown with `{{ }}`, stays `text`, though its expressions are
 * still checked).
 */
import type { ByteSource } from "../../core/source.js";
import type { FormatHandler, ScanContext, SniffInput } from "../types.js";
import { MAX_TEMPLATE_CHARS } from "./check.js";
import { isTextHead, opensJsonObject, readTextCapped } from "./read-text.js";
import { TemplateChecker } from "./report.js";

/** Just above the plain text handler (5), below every binary magic. */
export const TEMPLATE_SNIFF = 6;

const TEMPLATE_NAME = /\.(jinja2?|j2)$/i;

export const chatTemplateHandler: FormatHandler = {
  id: "jinja",
  access: "stream",
  sniff: sniffTemplate,
  async scan(source: ByteSource, ctx: ScanContext) {
    const name = fileName(ctx);
    const named = TEMPLATE_NAME.test(name);
    const format = named ? "jinja" : "text";
    const templates = new TemplateChecker(ctx);
    const text = await readTextCapped(source, 3 * MAX_TEMPLATE_CHARS, ctx.signal);
    if (text === undefined) {
      if (named && !ctx.signal.aborted) templates.tooLong(source.size, { label: name });
      return format;
    }
    const issues = templates.evaluate(text);
    const parsed = !issues.some((i) => i.ruleId === "template/parse-error" || i.ruleId === "template/unchecked");
    if (named || parsed) templates.reportAll(issues, { label: name });
    return format;
  },
};

/**
 * TEMPLATE_SNIFF for text whose head holds `{{`, `{%` or `{#` and does not open a JSON object, or
 * that is named like a template; 0 otherwise.
 */
export function sniffTemplate(input: SniffInput): number {
  if (input.size === 0 || !isTextHead(input) || opensJsonObject(input.head)) return 0;
  if (TEMPLATE_NAME.test(input.name)) return TEMPLATE_SNIFF;
  return hasTag(input.head) ? TEMPLATE_SNIFF : 0;
}

function hasTag(head: Uint8Array): boolean {
  for (let i = 0; i + 1 < head.length; i++) {
    if (head[i] === 0x7b && (head[i + 1] === 0x7b || head[i + 1] === 0x25 || head[i + 1] === 0x23)) return true;
  }
  return false;
}

/** The artifact's or member's file name, for the tie-breaks above and for messages. */
function fileName(ctx: ScanContext): string {
  const path = ctx.memberPath || ctx.artifactPath;
  return path.slice(path.lastIndexOf("/") + 1);
}
