/**
 * Recognising ONNX external data files. Their content is bare tensor bytes with no header, so no
 * sniffer can tell them from noise; what makes one legitimate is a model that names it. When a file on
 * disk matches no format, the orchestrator asks whether an ONNX model in its folder, or one or two
 * folders up (`weights/model.bin` beside `model.onnx`), lists it as external data by a confined
 * relative location. Only then is it reported as `raw-tensor-data`.
 *
 * File names only choose which neighbours to open (`*.onnx`); each is still sniffed and parsed by
 * content. Models are walked without reading tensor data, so asking costs a few small reads.
 */
import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { FileSource } from "../../core/source.js";
import { ProtoReader } from "../protobuf/index.js";
import { HEAD_BYTES } from "../types.js";
import { locationProblem } from "./checks.js";
import { walkModel, type OnnxSink, type TensorInfo } from "./model.js";
import { sniffOnnx } from "./sniff.js";

/** Folders searched: the data file's own and two above it. */
const LEVELS = 3;
/** Models opened per folder, so a folder of thousands of models cannot stall the scan. */
const MODELS_PER_FOLDER = 16;
/** Parsed models remembered (keyed by path, size and mtime), for folders of many data files. */
const CACHE_SIZE = 16;

export interface CompanionClaim {
  /** The format the data file is reported as. */
  format: "raw-tensor-data";
  /** The claiming model, relative to the data file's folder (`../model.onnx`). */
  claimedBy: string;
}

/** The claim of the first ONNX model near `absPath` that lists it as external data, if any. */
export async function claimExternalData(absPath: string, signal: AbortSignal): Promise<CompanionClaim | undefined> {
  const target = resolve(absPath);
  let dir = dirname(target);
  for (let level = 0; level < LEVELS; level++) {
    for (const model of await modelsIn(dir)) {
      signal.throwIfAborted();
      if (model === target) continue;
      const locations = await externalLocations(model, signal);
      if (locations.some((loc) => locationProblem(loc) === undefined && resolve(dirname(model), loc) === target)) {
        return { format: "raw-tensor-data", claimedBy: relative(dirname(target), model).split("\\").join("/") };
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/** The `*.onnx` files of a folder, sorted, at most MODELS_PER_FOLDER. */
async function modelsIn(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .filter((n) => n.toLowerCase().endsWith(".onnx"))
    .sort()
    .slice(0, MODELS_PER_FOLDER)
    .map((n) => join(dir, n));
}

const cache = new Map<string, string[]>();

/** Every external-data location a model lists; empty when it is not ONNX or cannot be read. */
async function externalLocations(model: string, signal: AbortSignal): Promise<string[]> {
  const st = await stat(model).catch(() => undefined);
  if (!st?.isFile()) return [];
  const key = `${model}\0${st.size}\0${st.mtimeMs}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const locations = await readLocations(model, signal);
  cache.set(key, locations);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return locations;
}

async function readLocations(model: string, signal: AbortSignal): Promise<string[]> {
  let source: FileSource | undefined;
  try {
    source = await FileSource.open(model);
    const head = await source.read(0, HEAD_BYTES);
    if (sniffOnnx({ head, size: source.size, name: basename(model) }) === 0) return [];
    const locations: string[] = [];
    await walkModel(new ProtoReader(source, { signal }), locationSink(locations));
    return locations;
  } catch {
    // a broken neighbour claims nothing; it is reported when it is scanned itself
    return [];
  } finally {
    await source?.close();
  }
}

function locationSink(out: string[]): OnnxSink {
  return {
    graph() {},
    node() {},
    function() {},
    tensor(t: TensorInfo) {
      const last = t.external?.locations.at(-1);
      if (last !== undefined) out.push(last);
    },
  };
}
