/**
 * What a BOM needs from the model card beyond what provenance/card.ts reads: `model-index` metrics and
 * evaluation sets, `co2_eq_emissions`, and the prose sections on uses, limitations and ethics.
 * The licence, base models, datasets and pipeline come from provenance's parser (parseModelCard).
 */
import { parseDocument } from "yaml";
import type { Considerations, MetricFacts } from "./types.js";

export interface CardExtras {
  /** `model-index[0].name`: the model's own name, when the card gives one. */
  name?: string;
  metrics: MetricFacts[];
  /** Evaluation datasets named in `model-index`, with their revision when given. */
  evalDatasets: { id: string; revision?: string }[];
  co2Grams?: number;
  considerations: Considerations;
}

export function cardExtras(text: string): CardExtras {
  const data = frontMatterData(text);
  const { metrics, evalDatasets } = modelIndex(data["model-index"]);
  const co2 = co2Grams(data.co2_eq_emissions);
  const index = Array.isArray(data["model-index"]) ? (data["model-index"] as unknown[]) : [];
  const name = isRecord(index[0]) ? str(index[0].name) : undefined;
  return { ...(name !== undefined ? { name } : {}), metrics, evalDatasets, ...(co2 !== undefined ? { co2Grams: co2 } : {}), considerations: sections(text) };
}

function frontMatterData(text: string): Record<string, unknown> {
  const m = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return {};
  const doc = parseDocument(m[1], { prettyErrors: false });
  if (doc.errors.length > 0) return {};
  try {
    const v: unknown = doc.toJS({ maxAliasCount: 100 });
    return isRecord(v) ? v : {};
  } catch {
    return {};
  }
}

function modelIndex(v: unknown): { metrics: MetricFacts[]; evalDatasets: { id: string; revision?: string }[] } {
  const metrics: MetricFacts[] = [];
  const evalDatasets = new Map<string, { id: string; revision?: string }>();
  for (const entry of Array.isArray(v) ? v : []) {
    if (!isRecord(entry)) continue;
    for (const result of Array.isArray(entry.results) ? entry.results : []) {
      if (!isRecord(result)) continue;
      const ds = isRecord(result.dataset) ? result.dataset : {};
      const dsId = str(ds.type) ?? str(ds.name);
      const revision = str(ds.revision);
      if (dsId !== undefined) evalDatasets.set(dsId, { id: dsId, ...(revision !== undefined ? { revision } : {}) });
      const split = str(ds.split);
      for (const m of Array.isArray(result.metrics) ? result.metrics : []) {
        if (!isRecord(m)) continue;
        const type = str(m.type);
        const value = str(m.value);
        if (type === undefined || value === undefined) continue;
        const name = str(m.name);
        const slice = dsId === undefined ? undefined : split === undefined ? dsId : `${dsId}/${split}`;
        metrics.push({ type, value, ...(name !== undefined ? { name } : {}), ...(slice !== undefined ? { slice } : {}) });
      }
    }
  }
  return { metrics, evalDatasets: [...evalDatasets.values()] };
}

function co2Grams(v: unknown): number | undefined {
  const raw = isRecord(v) ? v.emissions : v;
  const n = typeof raw === "number" ? raw : typeof raw === "string" ? Number(raw) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

const USE_HEADINGS = /\b(intended uses?|uses|use cases?|direct use|downstream use)\b/i;
const LIMIT_HEADINGS = /\b(limitations?|out-of-scope|risks?)\b/i;
const ETHIC_HEADINGS = /\b(bias|biases|ethic(s|al)|fairness|safety)\b/i;
/** Longest text kept from one section: a BOM states considerations, it does not carry the whole card. */
const MAX_SECTION = 2000;

/** The README's sections whose headings name uses, limitations or ethics; bullet lists split into items. */
function sections(text: string): Considerations {
  const body = text.replace(/^\uFEFF?---\r?\n[\s\S]*?\r?\n---[ \t]*(?:\r?\n|$)/, "");
  const out: Considerations = { useCases: [], limitations: [], ethical: [] };
  const parts = body.split(/^#{1,6}[ \t]+/m).slice(1);
  for (const part of parts) {
    const nl = part.indexOf("\n");
    const heading = (nl < 0 ? part : part.slice(0, nl)).trim();
    const content = nl < 0 ? "" : part.slice(nl + 1);
    const bucket = ETHIC_HEADINGS.test(heading) ? out.ethical : LIMIT_HEADINGS.test(heading) ? out.limitations : USE_HEADINGS.test(heading) ? out.useCases : undefined;
    if (bucket === undefined) continue;
    bucket.push(...items(content));
  }
  return out;
}

/** Bullet items (continuation lines joined), or the paragraphs when there are no bullets. */
function items(content: string): string[] {
  const lines = content.replace(/```[\s\S]*?```/g, "").split(/\r?\n/);
  const bullets: string[] = [];
  const paragraphs: string[] = [];
  let para: string[] = [];
  const flush = (): void => {
    if (para.length > 0) paragraphs.push(para.join(" "));
    para = [];
  };
  for (const line of lines) {
    const b = /^\s*[-*+]\s+(.*)$/.exec(line);
    if (b) {
      flush();
      bullets.push(b[1].trim());
    } else if (line.trim() === "") {
      flush();
    } else if (bullets.length > 0 && /^\s+\S/.test(line)) {
      bullets[bullets.length - 1] += ` ${line.trim()}`;
    } else {
      para.push(line.trim());
    }
  }
  flush();
  const chosen = bullets.length > 0 ? bullets : paragraphs;
  return chosen.map((s) => (s.length > MAX_SECTION ? `${s.slice(0, MAX_SECTION)}...` : s)).filter((s) => s !== "");
}

function str(v: unknown): string | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
