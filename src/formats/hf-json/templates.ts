/**
 * Where chat templates sit in Hugging Face JSON files. transformers reads the top-level
 * `chat_template` of tokenizer_config.json, processor_config.json and chat_template.json: either one
 * template string or a list of `{ "name": ..., "template": ... }` (named templates such as `tool_use`).
 */

export interface FoundTemplate {
  /** How the template is named in findings: `chat_template` or `chat_template "tool_use"`. */
  label: string;
  text: string;
}

/** The templates of a parsed JSON document (only a top-level object has any). */
export function templatesOf(doc: unknown): FoundTemplate[] {
  if (!isObject(doc)) return [];
  const t = doc.chat_template;
  if (typeof t === "string") return [{ label: "chat_template", text: t }];
  if (!Array.isArray(t)) return [];
  const out: FoundTemplate[] = [];
  t.forEach((entry, i) => {
    if (isObject(entry) && typeof entry.template === "string") {
      const name = typeof entry.name === "string" ? JSON.stringify(entry.name) : `#${i}`;
      out.push({ label: `chat_template ${name}`, text: entry.template });
    }
  });
  return out;
}

/**
 * Every string value of a `chat_template` or `template` key anywhere in the raw text. For JSON that
 * JSON.parse rejects but Python's json accepts (NaN, Infinity), and for repeated keys (each parser
 * keeps one, not always the same): whatever a loader might take is checked. The pattern matches a
 * JSON string literal without backtracking, so it stays linear on any input.
 */
export function templatesInRawText(raw: string): FoundTemplate[] {
  const out: FoundTemplate[] = [];
  for (const m of raw.matchAll(/"(chat_template|template)"\s*:\s*"((?:[^"\\]|\\.)*)"/g)) {
    const text = decodeJsonString(m[2]);
    if (text !== undefined) out.push({ label: m[1], text });
  }
  return out;
}

function decodeJsonString(body: string): string | undefined {
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return undefined;
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
