/** Lineage: a chain, a merge of several bases, cycles, the depth bound, unavailable bases. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseModelCard } from "../../src/provenance/card.js";
import { traceLineage } from "../../src/provenance/lineage.js";
import type { MetadataSource, RepoMetadata } from "../../src/provenance/metadata.js";

/** Cards by id; ids not listed are unavailable. */
function source(cards: Record<string, string>): MetadataSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async lookup(id: string): Promise<RepoMetadata> {
      asked.push(id);
      const text = cards[id];
      if (text === undefined) return { id, kind: "model", source: "unavailable", note: "not found" };
      return { id, kind: "model", source: "hub", commit: "c".repeat(40), card: parseModelCard(text) };
    },
  };
}

const card = (front: string) => `---\n${front}\n---\n`;

test("base models are followed recursively, each entry naming its child and the relation", async () => {
  const meta = source({ "o/base": card("base_model: o/root\nbase_model_relation: finetune\nlicense: mit"), "o/root": card("license: apache-2.0") });
  const chain = await traceLineage(parseModelCard(card("base_model: o/base\nbase_model_relation: quantized")), "o/model", meta);
  assert.deepEqual(chain.map((e) => [e.id, e.depth, e.child, e.relation, e.license]), [
    ["o/base", 1, "o/model", "quantized", "mit"],
    ["o/root", 2, "o/base", "finetune", "apache-2.0"],
  ]);
});

test("a merge lists every base; an unavailable base ends its branch with the reason", async () => {
  const chain = await traceLineage(parseModelCard(card("base_model: [o/a, o/b]\nbase_model_relation: merge")), "o/m", source({ "o/a": card("license: mit") }));
  assert.deepEqual(chain.map((e) => [e.id, e.source, e.note]), [["o/a", "hub", undefined], ["o/b", "unavailable", "not found"]]);
});

test("a cycle is cut and said", async () => {
  const meta = source({ "o/a": card("base_model: o/b"), "o/b": card("base_model: o/a") });
  const chain = await traceLineage(parseModelCard(card("base_model: o/a")), "o/a", meta);
  assert.deepEqual(chain.map((e) => [e.id, e.depth, e.note]), [["o/a", 1, "cycle: this model is already in the chain below it"]]);
  const chain2 = await traceLineage(parseModelCard(card("base_model: o/a")), "o/m", meta);
  assert.deepEqual(chain2.map((e) => [e.id, e.depth]), [["o/a", 1], ["o/b", 2], ["o/a", 3]]);
  assert.match(chain2[2].note!, /cycle/);
});

test("depth is bounded", async () => {
  const cards: Record<string, string> = {};
  for (let i = 0; i < 20; i++) cards[`o/m${i}`] = card(`base_model: o/m${i + 1}`);
  const chain = await traceLineage(parseModelCard(card("base_model: o/m0")), "o/x", source(cards), 3);
  assert.equal(chain.length, 3);
  assert.match(chain[2].note!, /deeper than 3/);
});
