/**
 * OpenVEX documents (https://github.com/openvex/spec) as ignores. A statement whose status is
 * `not_affected` or `fixed` silences its vulnerability for its products; `affected` and
 * `under_investigation` silence nothing. Products are matched by purl: a product without a version
 * covers every version of the package, qualifiers are ignored. When several statements speak about
 * the same vulnerability and product, the latest (by timestamp, then document order) decides, as
 * OpenVEX specifies. The document's `author` answers for its statements.
 */
import { readFile } from "node:fs/promises";
import { VouchError } from "../../core/errors.js";

export interface VexStatement {
  /** The vulnerability's name and aliases. */
  ids: string[];
  /** Product purls, qualifiers and subpath dropped. */
  products: string[];
  status: "not_affected" | "affected" | "fixed" | "under_investigation";
  /** justification / impact statement / action statement, as written. */
  reason: string;
  owner: string;
  timestamp: number;
  /** Where it came from: `file#index`. */
  origin: string;
}

const STATUSES = new Set(["not_affected", "affected", "fixed", "under_investigation"]);

export async function readVexFile(file: string): Promise<VexStatement[]> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new VouchError("E_VEX", `cannot read the OpenVEX document (${e instanceof Error ? e.message : String(e)})`, { file, hint: "Give an OpenVEX JSON document" });
  }
  return parseVex(doc, file);
}

export function parseVex(doc: unknown, file: string): VexStatement[] {
  const bad = (what: string) => new VouchError("E_VEX", `not an OpenVEX document: ${what}`, { file, hint: "See https://github.com/openvex/spec" });
  if (!isObject(doc) || !Array.isArray(doc.statements)) throw bad("no statements list");
  const owner = typeof doc.author === "string" ? doc.author : "unknown author";
  const docTime = Date.parse(String(doc.timestamp ?? ""));
  return doc.statements.map((s: unknown, i: number) => {
    if (!isObject(s) || !isObject(s.vulnerability) || typeof s.status !== "string" || !STATUSES.has(s.status)) throw bad(`statement ${i} needs a vulnerability and a valid status`);
    const v = s.vulnerability;
    const ids = [v.name, ...(Array.isArray(v.aliases) ? v.aliases : [])].filter((x): x is string => typeof x === "string" && x !== "");
    const products = (Array.isArray(s.products) ? s.products : [])
      .map((p: unknown) => (isObject(p) ? (p["@id"] ?? (isObject(p.identifiers) ? p.identifiers.purl : undefined)) : undefined))
      .filter((x: unknown): x is string => typeof x === "string" && x.startsWith("pkg:"))
      .map(stripPurl);
    const time = Date.parse(String(s.timestamp ?? ""));
    const reason = [s.justification, s.impact_statement, s.action_statement, s.status_notes].filter((x): x is string => typeof x === "string" && x !== "").join("; ");
    return {
      ids,
      products,
      status: s.status as VexStatement["status"],
      reason: `OpenVEX ${s.status}${reason ? `: ${reason}` : ""}`,
      owner,
      timestamp: Number.isNaN(time) ? (Number.isNaN(docTime) ? 0 : docTime) : time,
      origin: `${file}#${i}`,
    };
  });
}

/** `pkg:pypi/name@1.0?x=y#sub` -> `pkg:pypi/name@1.0`; lower-cased type and name, as purls compare. */
export function stripPurl(purl: string): string {
  const bare = purl.split(/[?#]/)[0]!;
  return bare.toLowerCase().startsWith("pkg:pypi/") ? bare.toLowerCase() : bare;
}

/** Whether a product purl covers the package purl: same package, and the same version unless the product names none. */
export function productCovers(product: string, packagePurl: string): boolean {
  const pkg = stripPurl(packagePurl);
  if (product === pkg) return true;
  return !product.includes("@", product.indexOf("/")) && pkg.startsWith(`${product}@`);
}

/** The statement deciding for (any of `ids`, `purl`), or undefined: the latest one wins. */
export function decidingStatement(statements: readonly VexStatement[], ids: readonly string[], purl: string): VexStatement | undefined {
  let best: VexStatement | undefined;
  for (const s of statements) {
    if (!s.ids.some((id) => ids.includes(id)) || !s.products.some((p) => productCovers(p, purl))) continue;
    if (best === undefined || s.timestamp >= best.timestamp) best = s;
  }
  return best;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
