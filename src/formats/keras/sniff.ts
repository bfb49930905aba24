/**
 * Recognises a Keras JSON document from the first bytes alone: the keys of the top-level object, read
 * with a small tolerant scanner that stops where the head ends (the document may go on for megabytes).
 */

export type KerasJsonKind = "config" | "metadata";

/** Keys that only Keras' own JSON has at the top: `class_name` with `config`/`module`/`registered_name`. */
const CONFIG_COMPANIONS = ["config", "module", "registered_name"];

/** Which Keras JSON document the head starts, if any. */
export function kerasJsonKind(head: Uint8Array): KerasJsonKind | undefined {
  const keys = topLevelKeys(head);
  if (keys.has("class_name") && CONFIG_COMPANIONS.some((k) => keys.has(k))) return "config";
  // .keras metadata.json: {"keras_version": "3.3.3", "date_saved": "..."}
  if (keys.has("keras_version") && keys.has("date_saved")) return "metadata";
  return undefined;
}

/**
 * The keys of the top-level JSON object found in `head` (skipping a UTF-8 BOM and whitespace). Values
 * are skipped without being decoded; an empty set when the head does not start an object.
 */
export function topLevelKeys(head: Uint8Array): Set<string> {
  const text = Buffer.from(head).toString("utf8");
  const keys = new Set<string>();
  let i = skipSpace(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  if (text[i] !== "{") return keys;
  i++;
  for (;;) {
    i = skipSpace(text, i);
    if (text[i] !== '"') return keys;
    const key = readString(text, i);
    if (!key) return keys;
    i = skipSpace(text, key.end);
    if (text[i] !== ":") return keys;
    keys.add(key.value);
    i = skipValue(text, i + 1);
    if (i < 0) return keys;
    i = skipSpace(text, i);
    if (text[i] !== ",") return keys;
    i++;
  }
}

function skipSpace(t: string, i: number): number {
  while (i < t.length && (t[i] === " " || t[i] === "\n" || t[i] === "\r" || t[i] === "\t")) i++;
  return i;
}

/** A JSON string starting at `i` (the quote); undefined when it is cut off by the end of the head. */
function readString(t: string, i: number): { value: string; end: number } | undefined {
  let j = i + 1;
  while (j < t.length && t[j] !== '"') j += t[j] === "\\" ? 2 : 1;
  if (j >= t.length) return undefined;
  try {
    return { value: JSON.parse(t.slice(i, j + 1)) as string, end: j + 1 };
  } catch {
    return undefined;
  }
}

/** Skips one value (string, number, literal, or nested container); -1 when the head ends inside it. */
function skipValue(t: string, i: number): number {
  i = skipSpace(t, i);
  let depth = 0;
  while (i < t.length) {
    const c = t[i];
    if (c === '"') {
      const s = readString(t, i);
      if (!s) return -1;
      i = s.end;
    } else if (c === "{" || c === "[") {
      depth++;
      i++;
    } else if (c === "}" || c === "]") {
      if (depth === 0) return i;
      depth--;
      i++;
    } else if (c === "," && depth === 0) {
      return i;
    } else {
      i++;
    }
    if (depth === 0 && (c === '"' || c === "}" || c === "]")) return i;
  }
  return -1;
}
