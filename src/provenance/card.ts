/**
 * The model card: `README.md` at the repository root, YAML front matter between `---` lines, then
 * prose. The front matter keys are the Hub's (https://huggingface.co/docs/hub/model-cards); the ones
 * a provenance review needs are read here, each normalised to one shape (the Hub accepts a string or
 * a list for most of them).
 */
import { readFile, stat } from "node:fs/promises";
import { parseDocument } from "yaml";

/** The card file, relative to the model root. */
export const CARD_FILE = "README.md";

/** Cards are kilobytes; a larger one is not read whole (its prose still counts as mentions up to here). */
const MAX_CARD_BYTES = 1 << 20;

/** The front matter fields the report shows; `missing` lists those absent, by their Hub key. */
export interface ModelCard {
  /** True when the model has a README.md. */
  present: boolean;
  /** `license`: the Hub's license id (lower-case SPDX where one exists, or `other`). */
  license?: string;
  /** `license_name` / `license_link`: what `license: other` stands for. */
  licenseName?: string;
  licenseLink?: string;
  /** `base_model`: the model(s) this one was derived from, as repo ids. */
  baseModels: string[];
  /** `base_model_relation`: adapter, merge, quantized or finetune. */
  baseModelRelation?: string;
  /** `datasets`: training datasets, as Hub dataset ids or names. */
  datasets: string[];
  /** `library_name`. */
  library?: string;
  /** `pipeline_tag`. */
  pipeline?: string;
  /** `language`: ISO codes. */
  languages: string[];
  /** Front matter keys among the above that are absent (`base_model_relation` only when there is a base model). */
  missing: string[];
  /** Set when the front matter could not be parsed as YAML. */
  frontMatterError?: string;
  /** The card's text (front matter and prose), to look for file names in. */
  text: string;
}

/** Reads `README.md` under `dir`; a missing card is a card with `present: false`. */
export async function readModelCard(dir: string): Promise<ModelCard> {
  const path = `${dir}/${CARD_FILE}`;
  const st = await stat(path).catch(() => undefined);
  if (!st?.isFile()) return parseModelCard(undefined);
  const buf = await readFile(path);
  return parseModelCard(buf.subarray(0, MAX_CARD_BYTES).toString("utf8"));
}

/** Parses card text; `undefined` means there is no card. */
export function parseModelCard(text: string | undefined): ModelCard {
  if (text === undefined) return withMissing({ present: false, baseModels: [], datasets: [], languages: [], missing: [], text: "" });
  const { data, error } = frontMatter(text);
  const card: ModelCard = {
    present: true,
    ...opt("license", firstString(data.license)),
    ...opt("licenseName", firstString(data.license_name)),
    ...opt("licenseLink", firstString(data.license_link)),
    baseModels: strings(data.base_model),
    ...opt("baseModelRelation", firstString(data.base_model_relation)),
    datasets: strings(data.datasets),
    ...opt("library", firstString(data.library_name)),
    ...opt("pipeline", firstString(data.pipeline_tag)),
    languages: strings(data.language),
    missing: [],
    ...(error !== undefined ? { frontMatterError: error } : {}),
    text,
  };
  return withMissing(card);
}

/** The card as the Hub's `cardData` (already parsed front matter), for models known only from the API. */
export function cardFromData(data: Record<string, unknown> | undefined): ModelCard {
  if (data === undefined) return parseModelCard(undefined);
  const card = parseModelCard("");
  return withMissing({
    ...card,
    ...opt("license", firstString(data.license)),
    ...opt("licenseName", firstString(data.license_name)),
    ...opt("licenseLink", firstString(data.license_link)),
    baseModels: strings(data.base_model),
    ...opt("baseModelRelation", firstString(data.base_model_relation)),
    datasets: strings(data.datasets),
    ...opt("library", firstString(data.library_name)),
    ...opt("pipeline", firstString(data.pipeline_tag)),
    languages: strings(data.language),
  });
}

function withMissing(card: ModelCard): ModelCard {
  const missing: string[] = [];
  if (card.license === undefined) missing.push("license");
  if (card.baseModels.length === 0) missing.push("base_model");
  if (card.baseModels.length > 0 && card.baseModelRelation === undefined) missing.push("base_model_relation");
  if (card.datasets.length === 0) missing.push("datasets");
  if (card.library === undefined) missing.push("library_name");
  if (card.pipeline === undefined) missing.push("pipeline_tag");
  if (card.languages.length === 0) missing.push("language");
  return { ...card, missing };
}

/** The YAML between a leading `---` line and the next `---` line, as a plain object. */
function frontMatter(text: string): { data: Record<string, unknown>; error?: string } {
  const m = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return { data: {} };
  const doc = parseDocument(m[1], { prettyErrors: false });
  if (doc.errors.length > 0) return { data: {}, error: doc.errors[0].message };
  // toJS caps alias expansion, so a YAML bomb in a card fails instead of exhausting memory.
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return { data: {}, error: e instanceof Error ? e.message : String(e) };
  }
  return { data: value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {} };
}

/** A string or a list of strings (other entries dropped), trimmed, empty ones dropped. */
function strings(v: unknown): string[] {
  const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return list.filter((x): x is string | number => typeof x === "string" || typeof x === "number").map((x) => String(x).trim()).filter((x) => x !== "");
}

function firstString(v: unknown): string | undefined {
  return strings(v)[0];
}

function opt<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
