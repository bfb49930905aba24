import assert from "node:assert/strict";
import { test } from "node:test";
import { allRules } from "../../src/core/rules.js";
import type { ScanReport } from "../../src/core/types.js";
import { encodePath, memberChain } from "../../src/report/sarif-artifacts.js";
import { FINGERPRINT_KEY, renderSarif, ruleName, toSarif } from "../../src/report/sarif.js";
import type { SarifResult, SarifRun } from "../../src/report/sarif-types.js";
import { sampleArtifacts, sampleReport } from "./fixtures.js";
import { runMultitool, validateSarif } from "./validators.js";

function run(report: ScanReport = sampleReport()): SarifRun {
  return toSarif(report).runs[0]!;
}

function resultFor(r: SarifRun, ruleId: string): SarifResult {
  const found = r.results.find((x) => x.ruleId === ruleId);
  assert.ok(found, `no result for ${ruleId}`);
  return found;
}

test("validates against the official SARIF 2.1.0 schema", (t) => {
  const validation = validateSarif(JSON.parse(renderSarif(sampleReport())));
  if (!validation) return t.skip("../shared absent");
  assert.deepEqual(validation.errors, []);
});

test("an empty scan is a valid SARIF log too", (t) => {
  const validation = validateSarif(JSON.parse(renderSarif(sampleReport([]))));
  if (!validation) return t.skip("../shared absent");
  assert.deepEqual(validation.errors, []);
});

test("the SARIF Multitool reports no errors and no warnings", (t) => {
  const issues = runMultitool(renderSarif(sampleReport()));
  if (!issues) return t.skip("sarif-multitool not installed");
  assert.deepEqual(issues, []);
});

test("the Multitool check is not vacuous: it catches a rooted relative URI", (t) => {
  const log = toSarif(sampleReport());
  log.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation = { uri: "/rooted/path.pkl" };
  const issues = runMultitool(JSON.stringify(log));
  if (!issues) return t.skip("sarif-multitool not installed");
  assert.ok(issues.some((i) => i.level === "error" && i.ruleId === "SARIF1004"), JSON.stringify(issues));
});

test("the driver names the tool and lists every catalogue rule with levels, scores and tags", () => {
  const { driver } = run().tool;
  assert.equal(driver.name, "vouch");
  assert.equal(driver.version, "0.1.0");
  assert.equal(driver.semanticVersion, "0.1.0");
  assert.match(driver.informationUri, /^https:\/\//);
  assert.deepEqual(
    driver.rules.map((r) => r.id),
    allRules().map((r) => r.id),
  );
  const dangerous = driver.rules.find((r) => r.id === "pickle/dangerous-global")!;
  assert.equal(dangerous.name, "PickleDangerousGlobal");
  assert.equal(dangerous.defaultConfiguration.level, "error");
  assert.equal(dangerous.properties["security-severity"], "9.5");
  assert.deepEqual(dangerous.properties.tags, ["security", "pickle", "external/cwe/cwe-502"]);
  assert.ok(dangerous.shortDescription.text.length > 0 && dangerous.help.text.length > 0);
  assert.ok(dangerous.fullDescription.text.startsWith(dangerous.shortDescription.text));
});

test("severities map to SARIF levels and security-severity scores", () => {
  const expected = {
    critical: ["error", "9.5"],
    high: ["error", "8.0"],
    medium: ["warning", "5.0"],
    low: ["note", "3.0"],
    info: ["note", "0.0"],
  } as const;
  const r = run();
  for (const result of r.results) {
    const severity = result.properties.severity as keyof typeof expected;
    assert.equal(result.level, expected[severity][0], result.ruleId);
    assert.equal(result.properties["security-severity"], expected[severity][1], result.ruleId);
  }
  assert.deepEqual(new Set(r.results.map((x) => x.properties.severity)), new Set(Object.keys(expected)));
  for (const rule of r.tool.driver.rules) {
    const severity = allRules().find((x) => x.id === rule.id)!.severity;
    assert.equal(rule.defaultConfiguration.level, expected[severity][0], rule.id);
  }
});

test("ruleIndex points at the result's rule", () => {
  const r = run();
  for (const result of r.results) assert.equal(r.tool.driver.rules[result.ruleIndex]!.id, result.ruleId);
});

test("a finding in the file itself points at the top-level artifact relative to %SRCROOT%", () => {
  const r = run();
  const result = resultFor(r, "zip/unsupported-compression");
  const location = result.locations[0]!.physicalLocation;
  assert.deepEqual(location.artifactLocation, { uri: "models/packed.zip", uriBaseId: "%SRCROOT%", index: 3 });
  assert.deepEqual(location.region, { byteOffset: 9 });
  assert.equal(result.analysisTarget, undefined);
  assert.deepEqual(r.artifacts[3]!.hashes, { "sha-256": "a".repeat(64) });
  assert.deepEqual(r.artifacts[3]!.roles, ["analysisTarget"]);
});

test("a finding in an archive member is a nested artifact whose parentIndex is the file", () => {
  const r = run();
  const result = resultFor(r, "pickle/dangerous-global");
  const at = result.locations[0]!.physicalLocation.artifactLocation;
  const member = r.artifacts[at.index!]!;
  assert.deepEqual(member.location, { uri: "archive/data.pkl" });
  assert.equal(at.uri, "archive/data.pkl");
  assert.equal(at.uriBaseId, undefined, "nested artifacts carry no uriBaseId (SARIF 3.4.4)");
  assert.equal(member.parentIndex, 0);
  assert.equal(r.artifacts[0]!.location!.uri, "models/checkpoint.pt");
  assert.equal(member.length, 812);
  assert.deepEqual(result.locations[0]!.physicalLocation.region, { byteOffset: 118 });
  assert.deepEqual(result.analysisTarget, { uri: "models/checkpoint.pt", uriBaseId: "%SRCROOT%", index: 0 });
  assert.equal(result.properties.member, "archive/data.pkl");
  assert.equal(result.properties.opcodeIndex, 12);
});

test("a member of a member is a chain of nested artifacts, one per container", () => {
  const r = run();
  const result = resultFor(r, "pickle/unsafe-call");
  const inner = r.artifacts[result.locations[0]!.physicalLocation.artifactLocation.index!]!;
  assert.equal(inner.location!.uri, "inner/payload.pkl");
  const bundle = r.artifacts[inner.parentIndex!]!;
  assert.equal(bundle.location!.uri, "archive/extra/bundle.zip");
  assert.equal(bundle.properties!.format, "zip");
  assert.equal(bundle.parentIndex, 0);
});

test("each member is listed once however many findings it has, and clean members not at all", () => {
  const artifacts = sampleArtifacts();
  artifacts[0]!.findings.push({ ...artifacts[0]!.findings[0]!, location: { member: "archive/data.pkl", offset: 500 } });
  artifacts[0]!.members!.push({ path: "archive/data/0", format: "unknown", size: 64 });
  const r = run(sampleReport(artifacts));
  const uris = r.artifacts.map((a) => a.location?.uri);
  assert.equal(uris.filter((u) => u === "archive/data.pkl").length, 1);
  assert.ok(!uris.includes("archive/data/0"));
  // The four files, then data.pkl, bundle.zip, payload.pkl and version, in the order findings reach them.
  assert.deepEqual(uris.slice(4), ["archive/data.pkl", "archive/extra/bundle.zip", "inner/payload.pkl", "archive/version"]);
});

test("a finding without a location covers the whole file or member", () => {
  const result = resultFor(run(), "zip/crc-mismatch");
  assert.deepEqual(result.locations[0]!.physicalLocation.region, { byteOffset: 0, byteLength: 2 });
});

test("text locations become startLine/startColumn", () => {
  const result = resultFor(run(), "pickle/multiple-pickles");
  assert.deepEqual(result.locations[0]!.physicalLocation.region, { startLine: 3, startColumn: 5 });
});

test("a suppressed finding stays a result, with an external accepted suppression", () => {
  const result = resultFor(run(), "pickle/unknown-class");
  assert.deepEqual(result.suppressions, [
    {
      kind: "external",
      status: "accepted",
      justification: "Reviewed: mylib is our own package",
      properties: { owner: "ml-platform", expires: "2027-01-31" },
    },
  ]);
  assert.equal(resultFor(run(), "pickle/trailing-data").suppressions, undefined);
});

test("results carry evidence and severity in properties", () => {
  const result = resultFor(run(), "pickle/dangerous-global");
  assert.equal(result.properties.evidence, "os.system('id')");
  assert.equal(result.properties.severity, "critical");
  assert.equal(result.message.text, "The pickle imports os.system, which runs a shell command.");
});

test("fingerprints are stable across offsets but differ by rule, path, member and evidence", () => {
  const base = sampleReport();
  const fp = (report: ScanReport) => resultFor(run(report), "pickle/dangerous-global").partialFingerprints[FINGERPRINT_KEY];
  const original = fp(base);
  assert.match(original!, /^[0-9a-f]{64}$/);

  const moved = structuredClone(base);
  moved.artifacts[0]!.findings[0]!.location.offset = 9999;
  assert.equal(fp(moved), original);

  const variants: ((r: ScanReport) => void)[] = [
    (r) => (r.artifacts[0]!.path = "models/other.pt"),
    (r) => (r.artifacts[0]!.findings[0]!.location.member = "archive/other.pkl"),
    (r) => (r.artifacts[0]!.findings[0]!.evidence = "os.system('rm')"),
  ];
  for (const change of variants) {
    const copy = structuredClone(base);
    change(copy);
    assert.notEqual(fp(copy), original);
  }
});

test("invocation reports failure when an artifact could not be scanned, and names it", () => {
  const [invocation] = run().invocations;
  assert.equal(invocation!.executionSuccessful, false);
  const [note] = invocation!.toolExecutionNotifications!;
  assert.equal(note!.level, "error");
  assert.match(note!.message.text, /models\/packed\.zip/);

  const ok = run(sampleReport(sampleArtifacts().filter((a) => a.verdict !== "error"))).invocations[0]!;
  assert.deepEqual(ok, { executionSuccessful: true });
});

test("run properties carry the schema and ruleset versions", () => {
  const { properties } = run();
  assert.equal(properties.schemaVersion, "1.0.0");
  assert.equal(properties.rulesetVersion, sampleReport().rulesetVersion);
});

test("the rendering is deterministic, canonical JSON", () => {
  const a = renderSarif(sampleReport());
  assert.equal(a, renderSarif(structuredClone(sampleReport())));
  assert.ok(a.startsWith('{\n  "$schema": '));
  assert.ok(a.endsWith("}\n"));
});

test("paths with spaces, '#', '%', ':' and non-ASCII become valid URI references", () => {
  assert.equal(encodePath("my models/a b#1%.pt"), "my%20models/a%20b%231%25.pt");
  assert.equal(encodePath("c:/weights.bin"), "c%3A/weights.bin");
  assert.equal(encodePath("modèle/x@v1+a.bin"), "mod%C3%A8le/x@v1+a.bin");
  // An absolute member name keeps its leading slash, escaped, so it stays distinct from the relative one.
  assert.equal(encodePath("/etc/passwd"), "%2Fetc/passwd");
  const artifacts = sampleArtifacts();
  artifacts[1]!.path = "odd dir/model #1.safetensors";
  const validation = validateSarif(JSON.parse(renderSarif(sampleReport(artifacts))));
  if (validation) assert.deepEqual(validation.errors, []);
});

test("an absolute artifact path becomes a file: URI without a uriBaseId", () => {
  const artifacts = sampleArtifacts();
  artifacts[1]!.path = "/srv/models/clean.safetensors";
  assert.deepEqual(run(sampleReport(artifacts)).artifacts[1]!.location, { uri: "file:///srv/models/clean.safetensors" });
});

test("member paths split along the member tree, longest name first", () => {
  const tree = [
    { path: "a", format: "zip", members: [{ path: "b/c.pkl", format: "pickle" }] },
    { path: "a/b", format: "zip", members: [{ path: "c.pkl", format: "pickle" }] },
  ];
  assert.deepEqual(memberChain("a/b/c.pkl", tree).map((s) => s.path), ["a/b", "c.pkl"]);
  assert.deepEqual(memberChain("a/x.pkl", tree).map((s) => s.path), ["a", "x.pkl"]);
  assert.deepEqual(memberChain("unknown/y.pkl", tree).map((s) => s.path), ["unknown/y.pkl"]);
  assert.deepEqual(memberChain("z.pkl", undefined), [{ path: "z.pkl" }]);
  assert.deepEqual(memberChain("", tree), []);
});

test("rule names are PascalCase of the id", () => {
  assert.equal(ruleName("zip/local-header-mismatch"), "ZipLocalHeaderMismatch");
  assert.equal(ruleName("scan/read-error"), "ScanReadError");
});

test("an unknown rule id is a programming error", () => {
  const artifacts = sampleArtifacts();
  artifacts[0]!.findings[0]!.ruleId = "nope/not-a-rule";
  assert.throws(() => toSarif(sampleReport(artifacts)), /unknown rule id nope\/not-a-rule/);
});
