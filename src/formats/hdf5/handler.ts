/**
 * The HDF5 format handler. Keras 2 saves a whole model as HDF5 with the model's JSON config in root
 * attributes (`model_config`, `training_config`, `keras_version`, `backend`); loading it rebuilds the
 * layers from that config, so that config is the attack surface (Lambda bytecode, module references).
 * The handler reads the superblock, the root object header and those attributes with positioned reads,
 * hands the configs to the Keras config checker, and counts datasets for the BOM. A file with
 * `model_config` is reported as `keras-h5`, any other HDF5 file as `hdf5`.
 */
import { withKnownSize } from "../common.js";
import { VouchError } from "../../core/errors.js";
import type { ByteSource } from "../../core/source.js";
import { MAX_KERAS_JSON_BYTES, parseJson } from "../keras/handler.js";
import { checkAndReport, summaryMetadata } from "../keras/report.js";
import type { FormatHandler, ScanContext, SniffInput } from "../types.js";
import { GlobalHeaps, listAttributes, readStrings, type Attribute } from "./attributes.js";
import { Hdf5File, hasSignatureIn } from "./file.js";
import { takeInventory } from "./inventory.js";
import { readObjectHeader } from "./object-header.js";

export interface Hdf5ScanOptions {
  /** Largest attribute value (all its strings together) read, in bytes. */
  valueCap?: number;
}

/** The root attributes Keras writes. The two configs are checked; the versions go to the BOM. */
const CONFIG_ATTRIBUTES = ["model_config", "training_config"] as const;
const VERSION_ATTRIBUTES = { keras_version: "version", backend: "backend" } as const;

export const hdf5Handler: FormatHandler = {
  id: "hdf5",
  access: "random",
  sniff: ({ head }: SniffInput) => (hasSignatureIn(head) ? 70 : 0),
  scan: (source, ctx) => scanHdf5(source, ctx),
};

export async function scanHdf5(input: ByteSource, ctx: ScanContext, opts: Hdf5ScanOptions = {}): Promise<string> {
  const cap = opts.valueCap ?? MAX_KERAS_JSON_BYTES;
  const file = await Hdf5File.open(await withKnownSize(input, ctx.signal));
  reportTruncation(file, ctx);
  const root = await readObjectHeader(file, file.sb.rootHeader);
  const listing = listAttributes(file, root);
  for (const why of listing.unread) unread(ctx, `The root group has ${why}; Keras attributes stored there were not checked`);
  const byName = new Map(listing.attributes.map((a) => [a.name, a]));
  const heaps = new GlobalHeaps(file);
  const keras: Record<string, unknown> = {};
  for (const [attr, key] of Object.entries(VERSION_ATTRIBUTES)) {
    const value = await singleString(file, byName.get(attr), cap, heaps);
    if (value !== undefined) keras[key] = value;
  }
  for (const name of CONFIG_ATTRIBUTES) {
    const a = byName.get(name);
    if (a) Object.assign(keras, await checkConfigAttribute(file, a, cap, heaps, ctx));
  }
  ctx.setMetadata("hdf5", { ...superblockMetadata(file), rootAttributes: [...byName.keys()].sort(), ...(await inventory(file, root, ctx)) });
  if (Object.keys(keras).length > 0) ctx.setMetadata("keras", keras);
  return byName.has("model_config") ? "keras-h5" : "hdf5";
}

/**
 * Reads one config attribute, checks it, and returns what the BOM shows of it. Anything that keeps it
 * from being checked (over the cap, not a string, bad JSON) is reported, so the verdict cannot be clean.
 */
async function checkConfigAttribute(file: Hdf5File, a: Attribute, cap: number, heaps: GlobalHeaps, ctx: ScanContext): Promise<Record<string, unknown>> {
  const location = { offset: a.dataOffset };
  const value = await readStrings(file, a, cap, heaps);
  if (value.kind !== "strings") {
    const why = value.kind === "over-cap" ? `is ${value.bytes} bytes, over the ${cap}-byte cap` : value.kind === "not-string" ? `is not a string (${value.dtype})` : `could not be read: ${value.why}`;
    unread(ctx, `The root attribute ${a.name} ${why}; it was not checked`, location);
    return {};
  }
  let out: Record<string, unknown> = {};
  for (const [i, text] of value.values.entries()) {
    const label = value.values.length === 1 ? a.name : `${a.name}[${i}]`;
    let doc: unknown;
    try {
      doc = parseJson(Buffer.from(text, "utf8"));
    } catch (e) {
      if (!(e instanceof VouchError)) throw e;
      ctx.report({ ruleId: "format/malformed", message: `The root attribute ${label} is not JSON (${e.message}); Keras cannot load this model`, location });
      continue;
    }
    const summary = checkAndReport(ctx, doc, { root: label, location });
    if (a.name === "model_config") out = { ...out, ...summaryMetadata(summary) };
    else out.trainingConfig = true;
  }
  return out;
}

/** The single string of a version attribute, or undefined when absent or not one string. */
async function singleString(file: Hdf5File, a: Attribute | undefined, cap: number, heaps: GlobalHeaps): Promise<string | undefined> {
  if (!a) return undefined;
  const v = await readStrings(file, a, Math.min(cap, 4096), heaps);
  return v.kind === "strings" && v.values.length === 1 ? v.values[0] : undefined;
}

/** The dataset census; a structural error in the tree is reported (the config findings stand). */
async function inventory(file: Hdf5File, root: Awaited<ReturnType<typeof readObjectHeader>>, ctx: ScanContext): Promise<Record<string, unknown>> {
  try {
    const inv = await takeInventory(file, root, ctx.signal);
    return { groups: inv.groups, datasets: inv.datasets, dtypes: inv.dtypes, ...(inv.partial.length > 0 ? { partial: inv.partial } : {}) };
  } catch (e) {
    if (!(e instanceof VouchError)) throw e;
    ctx.report({ ruleId: "format/malformed", message: `The group tree could not be read: ${e.describe()}`, location: e.offset !== undefined ? { offset: e.offset } : {} });
    return { partial: ["the group tree is damaged"] };
  }
}

function superblockMetadata(file: Hdf5File): Record<string, number> {
  return { superblockVersion: file.sb.version, ...(file.sb.offset > 0 ? { userBlock: file.sb.offset } : {}) };
}

/** libhdf5 refuses a file shorter than the end-of-file address its superblock records. */
function reportTruncation(file: Hdf5File, ctx: ScanContext): void {
  const end = file.sb.end;
  if (end === undefined || end <= file.size) return;
  ctx.report({
    ruleId: "format/malformed",
    message: `The file is ${file.size} bytes but its superblock says it ends at ${end}: it is truncated, and h5py would refuse to open it`,
    evidence: `eof=${end} size=${file.size}`,
  });
}

function unread(ctx: ScanContext, message: string, location = {}): void {
  ctx.report({ ruleId: "hdf5/unread-structure", message, location });
}

