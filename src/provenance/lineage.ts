/**
 * The lineage chain: a model's `base_model`, that model's `base_model`, and so on, as far as metadata
 * is available. A merge has several bases, so the chain is a tree, listed depth-first with each
 * entry naming its child. Cycles (a card naming a descendant as its base) and depth are bounded.
 */
import type { ModelCard } from "./card.js";
import type { MetadataSource } from "./metadata.js";

/** Lineage deeper than this is cut (real chains are a handful of steps). */
export const MAX_LINEAGE_DEPTH = 8;

export interface LineageEntry {
  /** Repo id of the base model. */
  id: string;
  /** 1 for a direct base of the target, 2 for its base, ... */
  depth: number;
  /** The model that names this one as its base (the target's id or name at depth 1). */
  child: string;
  /** The child's `base_model_relation` (adapter, merge, quantized, finetune), when it says. */
  relation?: string;
  /** Where the base's metadata came from. */
  source: "cache" | "hub" | "unavailable";
  /** The commit of the base's `main`, when known. */
  commit?: string;
  /** The base's licence, when its card says. */
  license?: string;
  /** Why the chain stops here, when it does for a reason other than "no further base". */
  note?: string;
}

/** Follows `card`'s base models recursively. `childId` names the target in the entries. */
export async function traceLineage(card: ModelCard, childId: string, source: MetadataSource, maxDepth = MAX_LINEAGE_DEPTH): Promise<LineageEntry[]> {
  const out: LineageEntry[] = [];
  await visit(card, childId, 1, new Set([childId.toLowerCase()]));
  return out;

  async function visit(child: ModelCard, childName: string, depth: number, path: Set<string>): Promise<void> {
    for (const id of child.baseModels) {
      const base: LineageEntry = { id, depth, child: childName, ...(child.baseModelRelation ? { relation: child.baseModelRelation } : {}), source: "unavailable" };
      out.push(base);
      if (path.has(id.toLowerCase())) {
        base.note = "cycle: this model is already in the chain below it";
        continue;
      }
      const meta = await source.lookup(id, "model");
      base.source = meta.source;
      if (meta.commit !== undefined) base.commit = meta.commit;
      if (meta.card?.license !== undefined) base.license = meta.card.license;
      if (meta.note !== undefined) base.note = meta.note;
      if (meta.card === undefined || meta.card.baseModels.length === 0) continue;
      if (depth >= maxDepth) {
        base.note = `lineage deeper than ${maxDepth} steps is not followed`;
        continue;
      }
      await visit(meta.card, id, depth + 1, new Set([...path, id.toLowerCase()]));
    }
  }
}
