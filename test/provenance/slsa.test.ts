/**
 * The SLSA statement: in-toto Statement v1 with a SLSA provenance v1 predicate, checked field by
 * field against the two specifications; the subject is the model identity digest, the dependencies
 * are the base models and datasets by revision.
 */
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { fixedClock } from "../../src/core/clock.js";
import { provenance } from "../../src/provenance/collect.js";
import { BUILD_TYPE, slsaStatement, type SlsaStatement } from "../../src/provenance/slsa.js";
import type { HubStandIn } from "../fixtures/hf-hub/server.js";
import { hub, options, removeTempDirs, sha, tempDir } from "../sources/support.js";

let h: HubStandIn;
before(async () => {
  h = await hub();
});
after(() => h.close());
afterEach(removeTempDirs);

const DIGEST = `sha256:${"ab".repeat(32)}`;

/** What the in-toto Statement v1 and SLSA Provenance v1 specifications require of a statement. */
function assertValidSlsa(st: SlsaStatement): void {
  assert.equal(st._type, "https://in-toto.io/Statement/v1");
  assert.equal(st.predicateType, "https://slsa.dev/provenance/v1");
  assert.ok(st.subject.length > 0, "at least one subject");
  for (const s of st.subject) {
    assert.equal(typeof s.name, "string");
    assert.ok(Object.keys(s.digest).length > 0 && Object.values(s.digest).every((v) => /^[0-9a-f]+$/.test(v)), "hex digests");
  }
  const bd = st.predicate.buildDefinition;
  assert.match(bd.buildType, /^[a-z][a-z0-9+.-]*:/, "buildType is a URI");
  assert.equal(typeof bd.externalParameters, "object");
  for (const dep of bd.resolvedDependencies) assert.ok(dep.uri || dep.digest, "a ResourceDescriptor names a uri or a digest");
  assert.match(st.predicate.runDetails.builder.id, /^[a-z][a-z0-9+.-]*:/, "builder.id is a URI");
}

test("a Hub model: subject is the identity digest under the repo id; bases and datasets by commit", async () => {
  const report = await provenance("hf://acme-ai/tiny-chat", { hub: options(h, tempDir()), clock: fixedClock(new Date("2025-01-02T03:04:05Z")) });
  const st = slsaStatement(report, DIGEST, h.endpoint);
  assertValidSlsa(st);
  assert.deepEqual(st.subject, [{ name: "acme-ai/tiny-chat", digest: { sha256: "ab".repeat(32) } }]);
  assert.equal(st.predicate.buildDefinition.buildType, BUILD_TYPE);
  assert.deepEqual(st.predicate.buildDefinition.externalParameters, {
    target: "hf://acme-ai/tiny-chat",
    repository: "acme-ai/tiny-chat",
    revision: "main",
    commit: sha("tiny-chat-2"),
  });
  assert.deepEqual(st.predicate.buildDefinition.resolvedDependencies, [
    { name: "acme-ai/tiny-base", uri: `${h.endpoint}/acme-ai/tiny-base`, digest: { gitCommit: sha("tiny-base-1") }, annotations: { role: "base-model", relation: "finetune" } },
    { name: "acme-ai/tiny-corpus", uri: `${h.endpoint}/datasets/acme-ai/tiny-corpus`, digest: { gitCommit: sha("corpus-1") }, annotations: { role: "dataset" } },
  ]);
  assert.deepEqual(st.predicate.runDetails, { builder: { id: `${h.endpoint}/acme-ai` }, metadata: { finishedOn: "2025-01-02T03:04:05.000Z" } });
});

test("a local folder: named by its folder, builder unknown, unresolved revisions recorded as such", async () => {
  const report = await provenance("examples/tiny-model", { hub: { offline: true } });
  const st = slsaStatement(report, DIGEST, "https://huggingface.co");
  assertValidSlsa(st);
  assert.equal(st.subject[0].name, "tiny-model");
  assert.equal(st.predicate.runDetails.builder.id, "urn:vouch:builder:unknown");
  assert.deepEqual(st.predicate.buildDefinition.resolvedDependencies.map((d) => [d.name, d.digest, d.annotations]), [
    ["vouch-examples/tiny-llama-base", undefined, { role: "base-model", revision: "unresolved" }],
    ["vouch-examples/tiny-instructions", undefined, { role: "dataset", revision: "unresolved" }],
  ]);
});

test("a digest that is not sha256:<64 hex> is refused", async () => {
  const report = await provenance("examples/tiny-model", { hub: { offline: true } });
  assert.throws(() => slsaStatement(report, "ab".repeat(32), "https://huggingface.co"), /sha256:<64 hex>/);
});
