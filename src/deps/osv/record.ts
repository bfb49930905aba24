/**
 * One OSV record (JSON or YAML, https://ossf.github.io/osv-schema/) -> an `Advisory`, keeping what
 * matching and reporting need and checking the types of exactly that.
 *
 * Lenient where the data is known to be messy and strict where a mistake would hide a vulnerability:
 * - A record that fails the official schema elsewhere (7 PyPA records have a `GIT` range whose
 *   `fixed` is a tag, not a commit) still imports: `GIT` ranges are dropped anyway, because a lock
 *   file pins versions, not commits.
 * - A record without an `id`, or with an `affected` entry whose package has no name or ecosystem, is
 *   malformed and reported by the importer: it cannot be matched to anything.
 * - `withdrawn` records are recognised here and skipped by the importer.
 * - Versions in `versions` lists are stored in the ecosystem's canonical form (`1.0.0` and `1.0` are
 *   one PEP 440 version), so matching is a set lookup.
 */
import type { Advisory, AffectedPackage, RangeEvent, SeverityStatement } from "../types.js";
import { versionScheme } from "../version/index.js";

export type ParsedRecord =
  | { kind: "advisory"; advisory: Advisory }
  | { kind: "withdrawn"; id: string }
  | { kind: "malformed"; id?: string; message: string };

/** Parses one decoded OSV document (the value of a JSON or YAML file). Never throws. */
export function parseOsvRecord(value: unknown): ParsedRecord {
  try {
    return toRecord(value);
  } catch (e) {
    if (e instanceof RecordError) return { kind: "malformed", ...(e.id ? { id: e.id } : {}), message: e.message };
    throw e;
  }
}

class RecordError extends Error {
  constructor(message: string, readonly id?: string) {
    super(message);
  }
}

function toRecord(value: unknown): ParsedRecord {
  if (!isObject(value)) throw new RecordError("the document is not an object");
  const id = value.id;
  if (typeof id !== "string" || id.trim() === "") throw new RecordError("the record has no `id` string");
  const fail = (message: string): never => {
    throw new RecordError(message, id);
  };
  if (typeof value.withdrawn === "string" && value.withdrawn !== "") return { kind: "withdrawn", id };
  const details = optionalString(value.details, "details", fail);
  const advisory: Advisory = {
    id,
    aliases: [...new Set(stringList(value.aliases, "aliases", fail))].filter((a) => a !== id).sort(),
    summary: summaryOf(optionalString(value.summary, "summary", fail), details),
    ...(details !== undefined ? { details } : {}),
    ...optionalField("modified", optionalString(value.modified, "modified", fail)),
    ...optionalField("published", optionalString(value.published, "published", fail)),
    severity: severityList(value.severity, "severity", fail),
    ...optionalField("databaseSeverity", databaseSeverity(value.database_specific)),
    references: referenceList(value.references, fail),
    affected: list(value.affected, "affected", fail).map((entry, i) => affectedEntry(entry, `affected[${i}]`, fail)),
  };
  return { kind: "advisory", advisory };
}

function affectedEntry(value: unknown, at: string, fail: (m: string) => never): AffectedPackage {
  if (!isObject(value)) return fail(`${at} is not an object`);
  const pkg = value.package;
  if (!isObject(pkg) || typeof pkg.name !== "string" || pkg.name === "" || typeof pkg.ecosystem !== "string" || pkg.ecosystem === "") {
    return fail(`${at}.package needs a name and an ecosystem`);
  }
  const scheme = versionScheme(pkg.ecosystem);
  const canonical = (v: string) => scheme?.canonical(v) ?? v;
  const ranges: AffectedPackage["ranges"] = [];
  list(value.ranges, `${at}.ranges`, fail).forEach((range, i) => {
    if (!isObject(range)) fail(`${at}.ranges[${i}] is not an object`);
    const r = range as Record<string, unknown>;
    if (r.type !== "ECOSYSTEM" && r.type !== "SEMVER") return; // GIT: commits, not versions
    ranges.push({ type: r.type, events: list(r.events, `${at}.ranges[${i}].events`, fail).map((e, j) => rangeEvent(e, `${at}.ranges[${i}].events[${j}]`, fail)) });
  });
  const severity = severityList(value.severity, `${at}.severity`, fail);
  const dbSeverity = databaseSeverity(value.database_specific);
  return {
    ecosystem: pkg.ecosystem,
    name: pkg.name,
    ranges,
    versions: [...new Set(stringList(value.versions, `${at}.versions`, fail).map(canonical))],
    ...(severity.length > 0 ? { severity } : {}),
    ...(dbSeverity !== undefined ? { databaseSeverity: dbSeverity } : {}),
  };
}

const EVENT_KEYS = ["introduced", "fixed", "last_affected", "limit"] as const;

function rangeEvent(value: unknown, at: string, fail: (m: string) => never): RangeEvent {
  if (!isObject(value)) return fail(`${at} is not an object`);
  const keys = Object.keys(value).filter((k) => (EVENT_KEYS as readonly string[]).includes(k));
  if (keys.length !== 1) return fail(`${at} must have exactly one of ${EVENT_KEYS.join(", ")}`);
  const key = keys[0] as (typeof EVENT_KEYS)[number];
  const v = value[key];
  if (typeof v !== "string" || v.trim() === "") return fail(`${at}.${key} must be a non-empty string`);
  return { [key]: v.trim() };
}

function severityList(value: unknown, at: string, fail: (m: string) => never): SeverityStatement[] {
  return list(value, at, fail).map((s, i) => {
    if (!isObject(s) || typeof s.type !== "string" || typeof s.score !== "string") return fail(`${at}[${i}] needs string type and score`);
    return { type: s.type, score: s.score.trim() };
  });
}

function referenceList(value: unknown, fail: (m: string) => never): Advisory["references"] {
  return list(value, "references", fail).flatMap((r) =>
    isObject(r) && typeof r.url === "string" ? [{ type: typeof r.type === "string" ? r.type : "WEB", url: r.url }] : [],
  );
}

/** `database_specific.severity` as written, when it is a string (GHSA: LOW, MODERATE, HIGH, CRITICAL). */
function databaseSeverity(value: unknown): string | undefined {
  return isObject(value) && typeof value.severity === "string" && value.severity !== "" ? value.severity : undefined;
}

/** OSV's summary when given; else the first sentence of the details, cut at 160 characters. */
function summaryOf(summary: string | undefined, details: string | undefined): string {
  if (summary !== undefined && summary.trim() !== "") return summary.trim().replace(/\s+/g, " ");
  if (details === undefined) return "";
  const flat = details.trim().replace(/\s+/g, " ");
  const sentence = /^(.+?[.!?])(\s|$)/.exec(flat)?.[1] ?? flat;
  return sentence.length > 160 ? `${sentence.slice(0, 159)}…` : sentence;
}

function list(value: unknown, at: string, fail: (m: string) => never): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return fail(`${at} must be a list`);
  return value;
}

function stringList(value: unknown, at: string, fail: (m: string) => never): string[] {
  return list(value, at, fail).map((v, i) => (typeof v === "string" ? v : fail(`${at}[${i}] must be a string`)));
}

function optionalString(value: unknown, at: string, fail: (m: string) => never): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === "string" ? value : fail(`${at} must be a string`);
}

function optionalField<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
