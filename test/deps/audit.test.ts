/**
 * Detection over the hand-written database: alias merging, severities, fixed versions and the
 * smallest fixing upgrade, every lock format, ignores from the config (expiry by the clock) and
 * OpenVEX, and the fail gate.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fixedClock } from "../../src/core/clock.js";
import { VouchError } from "../../src/core/errors.js";
import type { Suppression } from "../../src/core/suppress.js";
import { audit, failingVulnerabilities } from "../../src/deps/audit/audit.js";
import { readVexFile } from "../../src/deps/audit/vex.js";
import type { AuditReport } from "../../src/deps/types.js";
import { cleanup, FIXTURES, fixtureDb, NOW, PROJECTS, tempDir } from "./support.js";

let db = "";
before(async () => {
  db = await fixtureDb();
});
after(cleanup);

/** `name version: id+id(severity) -> fix` per vulnerable package. */
function findings(report: AuditReport): string[] {
  return report.packages
    .filter((r) => r.status === "vulnerable")
    .map((r) => `${r.package.name} ${r.package.version}: ${r.vulnerabilities.map((v) => `${v.ids.join("+")}(${v.severity.level}${v.suppressed ? `,ignored by ${v.suppressed.via}` : ""})`).join(" ")} -> ${r.fixVersion ?? "no fix"}`);
}

async function auditProject(project: string, options: Partial<Parameters<typeof audit>[1]> = {}) {
  return audit([join(PROJECTS, project)], { dbDir: db, clock: NOW, ...options });
}

describe("audit over the fixture database", () => {
  it("merges alias records into one finding and takes the newest CVSS severity", async () => {
    const { report } = await auditProject("poetry");
    assert.deepEqual(findings(report), ["demo-pkg 1.0.0: GHSA-test-1+PYSEC-TEST-1(critical) -> 1.2.0", "other-pkg 1.2: PYSEC-TEST-4(high) -> 1.10"]);
    const v = report.packages.find((r) => r.package.name === "demo-pkg")!.vulnerabilities[0]!;
    assert.equal(v.id, "GHSA-test-1");
    assert.deepEqual(v.aliases, ["CVE-TEST-1"]);
    assert.deepEqual(v.severity, { level: "critical", score: 9.8, vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", source: "cvss", database: { "GHSA-test-1": "HIGH" } });
    assert.deepEqual(v.fixedIn, ["1.2.0"]);
    assert.equal(v.references[0], "https://example.invalid/advisories/PYSEC-TEST-1", "advisory links first");
  });

  it("covers every lock format with exact sets", async () => {
    const expected: Record<string, string[]> = {
      uv: ["demo-pkg 2.1: PYSEC-TEST-1(critical) -> no fix"],
      pdm: ["demo-pkg 2.1.post1: PYSEC-TEST-1(critical) -> no fix"],
      pylock: [],
      pipenv: ["demo-pkg 1.5.0: PYSEC-TEST-2(high) -> no fix"],
      "site-packages": ["Demo_Pkg 1.0.0: GHSA-test-1+PYSEC-TEST-1(critical) -> 1.2.0", "other-pkg 1.9: PYSEC-TEST-4(high) -> 1.10"],
      conda: ["demo-pkg 1.1.0: GHSA-test-1+PYSEC-TEST-1(critical) -> 1.2.0"],
      "npm-v3": ["left-pad 1.1.3: GHSA-npm-1(critical) -> 1.3.0"],
      "npm-v1": ["left-pad 1.2.0: GHSA-npm-1(critical) -> 1.3.0"],
    };
    for (const [project, want] of Object.entries(expected)) {
      const { report } = await auditProject(project);
      assert.deepEqual(findings(report), want, project);
    }
  });

  it("a severity-less advisory is high (fail closed), with source none", async () => {
    const { report } = await auditProject("pipenv");
    const v = report.packages.find((r) => r.package.name === "demo-pkg")!.vulnerabilities[0]!;
    assert.deepEqual(v.severity, { level: "high", source: "none" });
    assert.deepEqual(v.fixedIn, []);
  });

  it("reports unresolved and unaudited packages instead of guessing", async () => {
    const { report } = await auditProject("conda");
    assert.deepEqual(report.packages.filter((r) => r.status === "unresolved").map((r) => r.package.name), ["other-pkg"]);
    assert.deepEqual(report.packages.filter((r) => r.status === "unaudited").map((r) => r.package.name), ["numpy", "pandas", "pip", "python", "scipy"]);
    assert.equal(report.summary.unresolved, 1);
    assert.equal(report.summary.unaudited, 5);
  });

  it("finds the smallest version fixing every vulnerability of a package", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "requirements.txt"), "demo-pkg==0.9\n");
    const { report } = await audit([dir], { dbDir: db, clock: NOW });
    assert.equal(report.packages[0]!.fixVersion, "1.2.0");
    // 1.5.0 is listed as affected by PYSEC-TEST-2 only: the fix for it is unknown.
    writeFileSync(join(dir, "requirements.txt"), "demo-pkg==1.5.0\n");
    assert.equal((await audit([dir], { dbDir: db, clock: NOW })).report.packages[0]!.fixVersion, undefined);
  });

  it("fails on every unsuppressed vulnerability by default, by severity with failOn", async () => {
    const { report } = await auditProject("site-packages");
    assert.equal(failingVulnerabilities(report).length, 2);
    assert.equal(failingVulnerabilities(report, "critical").length, 1);
    assert.equal(failingVulnerabilities(report, "high").length, 2);
  });

  it("needs a database", async () => {
    await assert.rejects(audit([join(PROJECTS, "poetry")], { dbDir: join(tempDir(), "none"), clock: NOW }), (e: unknown) => e instanceof VouchError && e.code === "E_DB_MISSING");
  });

  it("is deterministic: the same input gives the same report", async () => {
    const a = await auditProject("requirements");
    const b = await auditProject("requirements");
    assert.deepEqual(a.report, b.report);
  });
});

describe("ignores", () => {
  const ignore = (over: Partial<Suppression> = {}): Suppression => ({ rule: "CVE-TEST-1", reason: "config never user-controlled (SEC-1)", owner: "alice@example.invalid", ...over });

  it("an ignore by alias silences the merged finding and keeps it in the report", async () => {
    const { report, unusedIgnores } = await auditProject("poetry", { ignores: [ignore()] });
    assert.deepEqual(findings(report), ["demo-pkg 1.0.0: GHSA-test-1+PYSEC-TEST-1(critical,ignored by config) -> no fix", "other-pkg 1.2: PYSEC-TEST-4(high) -> 1.10"]);
    assert.equal(report.summary.suppressed, 1);
    assert.equal(failingVulnerabilities(report).length, 1);
    assert.deepEqual(unusedIgnores, []);
  });

  it("an ignore limited to a path applies only to packages declared there", async () => {
    const { report } = await auditProject("site-packages", { ignores: [ignore({ path: "elsewhere/**" })] });
    assert.equal(report.summary.suppressed, 0);
    const scoped = await auditProject("site-packages", { ignores: [ignore({ path: "lib/**" })] });
    assert.equal(scoped.report.summary.suppressed, 1);
  });

  it("an expired ignore stops applying by itself, by the audit's clock", async () => {
    const expires = "2026-01-31";
    const before = await auditProject("poetry", { ignores: [ignore({ expires })], clock: fixedClock(new Date("2026-01-31T23:00:00Z")) });
    assert.equal(before.report.summary.suppressed, 1);
    const after = await auditProject("poetry", { ignores: [ignore({ expires })], clock: fixedClock(new Date("2026-02-01T00:00:01Z")) });
    assert.equal(after.report.summary.suppressed, 0);
    assert.equal(after.expiredIgnores.length, 1);
    assert.equal(failingVulnerabilities(after.report).length, 2);
  });

  it("reads OpenVEX: not_affected and fixed silence, affected and under_investigation do not, the latest statement wins", async () => {
    const vex = await readVexFile(join(FIXTURES, "vex", "demo.openvex.json"));
    const poetry = await auditProject("poetry", { vex });
    assert.deepEqual(findings(poetry.report), ["demo-pkg 1.0.0: GHSA-test-1+PYSEC-TEST-1(critical,ignored by vex) -> no fix", "other-pkg 1.2: PYSEC-TEST-4(high) -> 1.10"]);
    assert.match(poetry.report.packages[0]!.vulnerabilities[0]!.suppressed!.reason, /not_affected: vulnerable_code_not_in_execute_path/);
    assert.equal(poetry.report.packages[0]!.vulnerabilities[0]!.suppressed!.owner, "Security Team <security@example.invalid>");
    const pipenv = await auditProject("pipenv", { vex });
    assert.deepEqual(findings(pipenv.report), ["demo-pkg 1.5.0: PYSEC-TEST-2(high,ignored by vex) -> no fix"], "the later fixed statement wins over under_investigation");
    const npm = await auditProject("npm-v3", { vex });
    assert.equal(npm.report.summary.suppressed, 0, "affected silences nothing");
    const uv = await auditProject("uv", { vex });
    assert.equal(uv.report.summary.suppressed, 0, "the not_affected statement names version 1.0.0 only");
  });

  it("refuses a file that is not OpenVEX", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "x.json"), "{\"statements\": 3}");
    await assert.rejects(readVexFile(join(dir, "x.json")), (e: unknown) => e instanceof VouchError && e.code === "E_VEX");
  });
});
