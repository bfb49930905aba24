/**
 * A census of the file's groups and datasets for the BOM (how many datasets, of which element types),
 * by walking the group tree from the root: old-style groups through their symbol table (a version-1
 * B-tree of `SNOD` nodes), new-style groups through their link messages. Dense link storage (a
 * fractal heap) is not walked; the inventory says so. Every object is visited once, with caps.
 */
import { hdf5Error } from "./cursor.js";
import type { Hdf5File } from "./file.js";
import { MSG, readObjectHeader, type Message, type ObjectHeader } from "./object-header.js";
import { dtypeName, parseDatatype } from "./types.js";

export interface Inventory {
  groups: number;
  datasets: number;
  /** Dataset count per element type (`float32: 6`). */
  dtypes: Record<string, number>;
  /** Why the census may be short (dense link storage, caps); empty when every object was seen. */
  partial: string[];
}

/** Objects visited and B-tree nodes read at most: far above what a model file holds. */
const MAX_OBJECTS = 50_000;
const MAX_TREE_NODES = 50_000;

/** Walks the group tree from `root` (already read by the caller). Structural errors propagate. */
export async function takeInventory(file: Hdf5File, root: ObjectHeader, signal: AbortSignal): Promise<Inventory> {
  const inv: Inventory = { groups: 0, datasets: 0, dtypes: {}, partial: [] };
  const seen = new Set<number>([root.address]);
  const pending: number[] = [];
  let header: ObjectHeader | undefined = root;
  while (header) {
    signal.throwIfAborted();
    await visit(file, header, inv, (child) => {
      if (!seen.has(child)) {
        seen.add(child);
        pending.push(child);
      }
    });
    if (seen.size > MAX_OBJECTS) {
      inv.partial.push(`more than ${MAX_OBJECTS} objects: the rest were not counted`);
      break;
    }
    const next = pending.pop();
    header = next === undefined ? undefined : await readObjectHeader(file, next);
  }
  return inv;
}

/** Counts one object and reports its children. */
async function visit(file: Hdf5File, h: ObjectHeader, inv: Inventory, child: (address: number) => void): Promise<void> {
  const layout = h.messages.some((m) => m.type === MSG.layout);
  if (layout) {
    inv.datasets++;
    const dt = h.messages.find((m) => m.type === MSG.datatype);
    const name = dt ? dtypeName(parseDatatype(file.cursor(dt.data, dt.offset))) : "unknown";
    inv.dtypes[name] = (inv.dtypes[name] ?? 0) + 1;
    return;
  }
  let group = false;
  for (const m of h.messages) {
    if (m.type === MSG.symbolTable) {
      group = true;
      for (const a of await symbolTableChildren(file, m)) child(a);
    } else if (m.type === MSG.link) {
      group = true;
      const a = hardLinkTarget(file, m);
      if (a !== undefined) child(a);
    } else if (m.type === MSG.linkInfo) {
      group = true;
      if (denseLinks(file, m)) inv.partial.push(`a group at address ${h.address} keeps its links in dense storage, which was not walked`);
    }
  }
  if (group) inv.groups++;
}

/** The object header addresses of an old-style group: B-tree (type 0) nodes down to `SNOD` symbol nodes. */
async function symbolTableChildren(file: Hdf5File, m: Message): Promise<number[]> {
  const c = file.cursor(m.data, m.offset);
  const tree = c.address("group B-tree address");
  if (tree === undefined) return [];
  const O = file.sb.offsetSize;
  const L = file.sb.lengthSize;
  const out: number[] = [];
  const seen = new Set<number>();
  const nodes: { address: number; symbols: boolean }[] = [{ address: tree, symbols: false }];
  while (nodes.length > 0) {
    const { address, symbols } = nodes.pop()!;
    if (seen.has(address)) throw hdf5Error("E_HDF5_CYCLE", `group B-tree node at ${address} is reached twice`, file.sb.offset + address);
    seen.add(address);
    if (seen.size > MAX_TREE_NODES) throw hdf5Error("E_HDF5_BLOCK", `a group B-tree has more than ${MAX_TREE_NODES} nodes`, file.sb.offset + address);
    if (symbols) {
      out.push(...(await symbolNode(file, address)));
      continue;
    }
    const h = await file.block(address, 8 + 2 * O, "group B-tree node");
    h.signature("TREE", "group B-tree node");
    const type = h.u8("B-tree node type");
    if (type !== 0) throw hdf5Error("E_HDF5_BTREE", `group B-tree node of type ${type} (expected 0)`, h.at - 1);
    const level = h.u8("B-tree level");
    const entries = h.u16("B-tree entries");
    const body = await file.block(address + 8 + 2 * O, entries * (L + O) + L, "group B-tree keys");
    for (let i = 0; i < entries; i++) {
      body.skip(L, "B-tree key");
      const childAddress = body.address("B-tree child");
      if (childAddress !== undefined) nodes.push({ address: childAddress, symbols: level === 0 });
    }
  }
  return out;
}

/** A symbol table node: `SNOD`, version, count, then entries of (name offset, header address, cache, scratch). */
async function symbolNode(file: Hdf5File, address: number): Promise<number[]> {
  const O = file.sb.offsetSize;
  const h = await file.block(address, 8, "symbol table node");
  h.signature("SNOD", "symbol table node");
  h.skip(2, "version and reserved");
  const count = h.u16("symbol count");
  const entrySize = 2 * O + 24;
  const body = await file.block(address + 8, count * entrySize, "symbol table entries");
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    body.skip(O, "link name offset");
    const header = body.address("object header address");
    body.skip(24, "cache type and scratch pad");
    if (header !== undefined) out.push(header);
  }
  return out;
}

/** The target of a hard link message; undefined for soft and external links (not followed). */
function hardLinkTarget(file: Hdf5File, m: Message): number | undefined {
  const c = file.cursor(m.data, m.offset);
  c.u8("link version");
  const flags = c.u8("link flags");
  const type = flags & 0x08 ? c.u8("link type") : 0;
  if (flags & 0x04) c.skip(8, "creation order");
  if (flags & 0x10) c.skip(1, "link name charset");
  const nameLength = c.uint(1 << (flags & 0x03), "link name length") ?? 0;
  c.skip(nameLength, "link name");
  return type === 0 ? c.address("hard link address") : undefined;
}

/** True when a link info message points to a fractal heap (dense link storage). */
function denseLinks(file: Hdf5File, m: Message): boolean {
  const c = file.cursor(m.data, m.offset);
  c.u8("link info version");
  const flags = c.u8("link info flags");
  if (flags & 0x01) c.skip(8, "maximum creation index");
  return c.address("fractal heap address") !== undefined;
}
