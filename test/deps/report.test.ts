/**
 * The audit's renderers: SARIF 2.1.0 validated against the official schema (and the SARIF
 * Multitool when installed), CycloneDX 1.6 validated against the CycloneDX schemas from ../shared
 * (both skip visibly when absent), canonical JSON, the text layout, and byte-for-byte determinism.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import type { Suppression } from "../../src/core/suppress.js";
import { audit } from "../../src/deps/audit/audit.js";
import { readVexFile } from "../../src/deps/audit/vex.js";
import { auditToCycloneDx, auditToSarif, renderAudit } from "../../src/deps/report/index.js";
import type { AuditReport } from "../../src/deps/types.js";
import { SHARED_DIR } from "../support/shared.js";
import { runMultitool, validateSarif } from "../report/validators.js";
import { cleanup, FIXTURES, fixtureDb, NOW, PROJECTS } from "./support.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;
const CDX_DIR = SHARED_DIR === undefined ? undefined : join(SHARED_DIR, "data", "schemas", "cyclonedx");

let report: AuditReport;
before(async () => {
  const db = await fixtureDb();
  const ignores: Suppression[] = [{ rule: "PYSEC-TEST-4", reason: "input is trusted (SEC-9)", owner: "bob@example.invalid", expires: "2026-12-31" }];
  const vex = await readVexFile(join(FIXTURES, "vex", "demo.openvex.json"));
  report = (await audit([join(PROJECTS, "site-packages"), join(PROJECTS, "requirements"), join(PROJECTS, "npm-v3"), join(PROJECTS, "conda"), join(PROJECTS, "pipenv")], { dbDir: db, clock: NOW, ignores, vex })).report;
});
after(cleanup);

function cycloneDxValidator(): ((value: unknown) => string[]) | undefined {
  if (CDX_DIR === undefined || !existsSync(join(CDX_DIR, "bom-1.6.schema.json"))) return undefined;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const extra of ["spdx.schema.json", "jsf-0.82.schema.json"]) ajv.addSchema(JSON.parse(readFileSync(join(CDX_DIR, extra), "utf8")));
  const validate = ajv.compile(JSON.parse(readFileSync(join(CDX_DIR, "bom-1.6.schema.json"), "utf8")));
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""} ${JSON.stringify(e.params)}`));
}

describe("audit SARIF", () => {
  it("validates against the official SARIF 2.1.0 schema", (t) => {
    const validation = validateSarif(JSON.parse(renderAudit(report, "sarif")));
    if (!validation) return t.skip("../shared/data/schemas/sarif is absent");
    assert.deepEqual(validation.errors, []);
  });

  it("the SARIF Multitool reports no errors and no warnings", (t) => {
    const issues = runMultitool(renderAudit(report, "sarif"));
    if (!issues) return t.skip("sarif-multitool not installed");
    assert.deepEqual(issues, []);
  });

  it("one rule per vulnerability, one result per vulnerable package, located at its manifest lines", () => {
    const run = auditToSarif(report).runs[0]!;
    const rules = run.tool.driver.rules.map((r) => r.id);
    assert.deepEqual(rules, [...rules].sort());
    assert.ok(rules.includes("GHSA-test-1") && rules.includes("GHSA-npm-1"));
    const demo = run.results.find((r) => r.ruleId === "GHSA-test-1" && r.properties.version === "1.0.0")!;
    assert.equal(demo.level, "error");
    assert.equal(demo.properties["security-severity"], "9.8");
    const uris = demo.locations.map((l) => `${l.physicalLocation.artifactLocation.uri}:${l.physicalLocation.region?.startLine ?? ""}`);
    assert.deepEqual(uris, ["lib/python3.12/site-packages/Demo_Pkg-1.0.0.dist-info/METADATA:2", "requirements.txt:6"]);
    assert.equal(demo.suppressions?.[0]?.justification.startsWith("OpenVEX not_affected"), true);
    const ignored = run.results.find((r) => r.ruleId === "PYSEC-TEST-4")!;
    assert.deepEqual(ignored.suppressions, [{ kind: "external", status: "accepted", justification: "input is trusted (SEC-9)", properties: { owner: "bob@example.invalid", expires: "2026-12-31" } }]);
    for (const r of run.results) assert.equal(r.ruleIndex, rules.indexOf(r.ruleId));
  });
});

describe("audit CycloneDX", () => {
  it("validates against the CycloneDX 1.6 schema", (t) => {
    const validate = cycloneDxValidator();
    if (!validate) return t.skip("../shared/data/schemas/cyclonedx is absent");
    assert.deepEqual(validate(JSON.parse(renderAudit(report, "cyclonedx"))), []);
  });

  it("the validator is not vacuous: it rejects a bad rating method", (t) => {
    const validate = cycloneDxValidator();
    if (!validate) return t.skip("../shared/data/schemas/cyclonedx is absent");
    const bom = auditToCycloneDx(report) as { vulnerabilities: { ratings: { method: string }[] }[] };
    bom.vulnerabilities[0]!.ratings[0]!.method = "CVSSv99";
    assert.notDeepEqual(validate(bom), []);
  });

  it("lists components with purls and vulnerabilities that affect them, with ratings, fixes and analyses", () => {
    const bom = auditToCycloneDx(report) as {
      components: { purl: string }[];
      vulnerabilities: { id: string; affects: { ref: string }[]; ratings: Record<string, unknown>[]; recommendation?: string; analysis?: Record<string, unknown>; references: { id: string }[] }[];
      serialNumber: string;
    };
    const purls = bom.components.map((c) => c.purl);
    assert.ok(purls.includes("pkg:npm/left-pad@1.1.3") && purls.includes("pkg:conda/numpy@1.26.4"));
    assert.ok(!purls.some((p) => p.startsWith("pkg:pypi/ranged-pkg")), "unresolved packages have no version, so no component");
    const npm = bom.vulnerabilities.find((v) => v.id === "GHSA-npm-1")!;
    assert.deepEqual(npm.ratings, [{ score: 9.3, severity: "critical", method: "CVSSv4", vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N" }]);
    assert.equal(npm.recommendation, "Upgrade left-pad to 1.3.0");
    assert.deepEqual(npm.affects.map((a) => a.ref), ["pkg:npm/left-pad@1.1.3"]);
    assert.deepEqual(npm.references.map((r) => r.id), ["CVE-TEST-9"]);
    const accepted = bom.vulnerabilities.find((v) => v.id === "PYSEC-TEST-4")!;
    assert.deepEqual(accepted.analysis, { state: "exploitable", response: ["will_not_fix"], detail: "input is trusted (SEC-9) (owner bob@example.invalid) until 2026-12-31" });
    const vexed = bom.vulnerabilities.find((v) => v.id === "PYSEC-TEST-2")!;
    assert.equal(vexed.analysis!.state, "resolved");
    const unknown = vexed.ratings[0]!;
    assert.equal(unknown.severity, "unknown");
    assert.match(bom.serialNumber, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("JSON and text", () => {
  it("every format is byte-for-byte deterministic", async () => {
    for (const format of ["json", "sarif", "cyclonedx", "text"] as const) assert.equal(renderAudit(report, format), renderAudit(structuredClone(report), format), format);
  });

  it("JSON is canonical (sorted keys) and carries the clock's time", () => {
    const text = renderAudit(report, "json");
    assert.ok(text.startsWith('{\n  "database": '));
    assert.equal(JSON.parse(text).generatedAt, "2026-01-20T12:00:00.000Z");
  });

  it("text shows vulnerable packages, fixes, ignores, unresolved and unaudited packages, problems, a summary", () => {
    const text = renderAudit(report, "text");
    assert.match(text, /^VULNERABLE {2}left-pad 1\.1\.3 {2}package-lock\.json:7$/m);
    assert.match(text, /critical 9\.3 +GHSA-npm-1 \(CVE-TEST-9\) {2}fixed in 1\.3\.0/);
    assert.match(text, /^ {2}fix: upgrade to 1\.3\.0$/m);
    assert.match(text, /ignored \(config\): input is trusted \(SEC-9\), owner bob@example\.invalid, until 2026-12-31/);
    assert.match(text, /high \(no severity given\) +PYSEC-TEST-2/);
    assert.match(text, /^ {2}ranged-pkg \(unpinned: >=2,<3\) {2}requirements\.txt:10$/m);
    assert.match(text, /^ {2}conda numpy 1\.26\.4 {2}environment\.yml:6$/m);
    assert.match(text, /E_REQ_INCLUDE_CYCLE/);
    assert.match(text.trimEnd().split("\n").pop()!, /^\d+ packages: \d+ vulnerable, \d+ unresolved, \d+ unaudited; \d+ vulnerabilit(y|ies): .*; \d+ ignored$/);
  });
});
