/**
 * Deterministic JSON: the same value always serialises to the same bytes. Object keys are sorted
 * (recursively, by UTF-16 code unit, so the order never depends on the locale), arrays keep their
 * order, indentation is two spaces and the text ends with a newline. Reports are diffed, hashed and
 * signed, so byte stability matters more than anything else here.
 *
 * A hand-written serializer rather than `JSON.stringify` with a key-sorting replacer: JavaScript
 * objects always enumerate integer-like keys ("2", "10") first and in numeric order, whatever order
 * they were inserted in, so a replacer cannot produce sorted output for metadata keyed by numbers.
 * Everything else follows `JSON.stringify`: `toJSON` is honoured, `undefined`/functions/symbols are
 * dropped from objects and become `null` in arrays, non-finite numbers become `null`.
 */

import type { ScanReport } from "../core/types.js";

const INDENT = "  ";

/** Serialises `value` as canonical JSON (sorted keys, 2-space indent, trailing newline). */
export function canonicalJson(value: unknown): string {
  const text = serialize(toJsonValue(value, ""), "", new Set());
  if (text === undefined) throw new TypeError("canonicalJson: the value has no JSON form (undefined, function or symbol)");
  return `${text}\n`;
}

/** Applies `toJSON` the way JSON.stringify does (Date, and any class that defines one). */
function toJsonValue(value: unknown, key: string): unknown {
  if (value !== null && typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON === "function") {
    return (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  return value;
}

/** Returns the JSON text of `value`, or undefined when it has none (so the caller can drop or null it). */
function serialize(value: unknown, indent: string, ancestors: Set<object>): string | undefined {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      throw new TypeError("canonicalJson: BigInt has no JSON form");
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return "null";
  const obj = value as object;
  if (ancestors.has(obj)) throw new TypeError("canonicalJson: the value contains a cycle");
  ancestors.add(obj);
  try {
    return Array.isArray(obj) ? serializeArray(obj, indent, ancestors) : serializeObject(obj, indent, ancestors);
  } finally {
    ancestors.delete(obj);
  }
}

function serializeArray(items: readonly unknown[], indent: string, ancestors: Set<object>): string {
  if (items.length === 0) return "[]";
  const inner = indent + INDENT;
  const parts = items.map((item, i) => serialize(toJsonValue(item, String(i)), inner, ancestors) ?? "null");
  return `[\n${inner}${parts.join(`,\n${inner}`)}\n${indent}]`;
}

function serializeObject(obj: object, indent: string, ancestors: Set<object>): string {
  const inner = indent + INDENT;
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    const text = serialize(toJsonValue((obj as Record<string, unknown>)[key], key), inner, ancestors);
    if (text !== undefined) parts.push(`${JSON.stringify(key)}: ${text}`);
  }
  if (parts.length === 0) return "{}";
  return `{\n${inner}${parts.join(`,\n${inner}`)}\n${indent}}`;
}

/** The `--format json` rendering of a report: canonical JSON, documented by `schemas/scan-report.schema.json`. */
export function renderJson(report: ScanReport): string {
  return canonicalJson(report);
}
