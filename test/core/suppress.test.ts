/**
 * Suppressions: matching (rule families, path globs, digests), expiry against a fixed clock on both
 * sides of the boundary, marking a report without mutating it, and the recomputed summary.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fixedClock } from "../../src/core/clock.js";
import {
  applySuppressions,
  expiryInstant,
  globMatches,
  globProblem,
  isExpired,
  matchSuppression,
  ruleMatches,
  suppressionSchema,
  type Suppression,
} from "../../src/core/suppress.js";
import { summarize } from "../../src/core/summary.js";
import type { ArtifactReport, Finding, ScanReport, Severity } from "../../src/core/types.js";

const SHA_A = "a".repeat(64);
const SHA_B = "b".repeat(64);
const NOW = new Date("2026-06-15T12:00:00Z");

function finding(ruleId: string, severity: Severity, member?: string): Finding {
  return { ruleId, severity, message: `${ruleId} found`, location: member ? { member } : {} };
}

function artifact(path: string, sha256: string | undefined, findings: Finding[], verdict: ArtifactReport["verdict"] = "suspicious"): ArtifactReport {
  return { path, size: 10, ...(sha256 ? { sha256 } : {}), format: "pickle", verdict, complete: true, metadata: {}, findings };
}

function report(artifacts: ArtifactReport[]): ScanReport {
  return {
    schemaVersion: "1",
    rulesetVersion: "test",
    tool: { name: "vouch", version: "0.0.0" },
    generatedAt: NOW.toISOString(),
    targets: ["."],
    artifacts,
    summary: summarize(artifacts),
  };
}

const s = (fields: Partial<Suppression> & { rule: string }): Suppression => ({ reason: "reviewed", owner: "alice@example.com", ...fields });

describe("ruleMatches", () => {
  it("matches exact ids, and families by prefix only under the slash", () => {
    assert.ok(ruleMatches("pickle/unknown-class", "pickle/unknown-class"));
    assert.ok(!ruleMatches("pickle/unknown-class", "pickle/unknown-class-2"));
    assert.ok(ruleMatches("pickle/*", "pickle/unknown-class"));
    assert.ok(ruleMatches("pickle/*", "pickle/deep/er"));
    assert.ok(!ruleMatches("pickle/*", "pickle"));
    assert.ok(!ruleMatches("pickle/*", "pickles/x"));
    assert.ok(!ruleMatches("zip/*", "pickle/x"));
  });
});

describe("globMatches", () => {
  const cases: [string, string, boolean][] = [
    ["models/custom.pt", "models/custom.pt", true],
    ["models/custom.pt", "models/custom.ptx", false],
    ["models/custom.pt", "other/models/custom.pt", false],
    ["models/*.pt", "models/a.pt", true],
    ["models/*.pt", "models/.hidden.pt", true],
    ["models/*.pt", "models/sub/a.pt", false],
    ["*.pt", "a.pt", true],
    ["*.pt", "dir/a.pt", false],
    ["**/*.pt", "a.pt", true],
    ["**/*.pt", "x/y/a.pt", true],
    ["models/**", "models/a.pt", true],
    ["models/**", "models/x/y/a.pt", true],
    ["models/**", "models", false],
    ["models/**/a.pt", "models/a.pt", true],
    ["models/**/a.pt", "models/x/y/a.pt", true],
    ["models/**/a.pt", "modelsx/a.pt", false],
    ["**", "anything/at/all", true],
    // Only * and ** are special; regex and other glob characters are literal.
    ["a.b+c?(d)[e]", "a.b+c?(d)[e]", true],
    ["a.b", "axb", false],
    ["file?.pt", "file1.pt", false],
  ];
  for (const [glob, path, expected] of cases) {
    it(`${glob} ${expected ? "matches" : "does not match"} ${path}`, () => assert.equal(globMatches(glob, path), expected));
  }

  it("explains bad globs", () => {
    assert.equal(globProblem("models/**/x.pt"), undefined);
    assert.match(globProblem("models/")!, /ends with `\/`/);
    assert.match(globProblem("a/../b")!, /`\.\.`/);
    assert.match(globProblem("x**")!, /inside a segment/);
  });
});

describe("expiry", () => {
  const dated = s({ rule: "a/b", expires: "2027-01-31" });

  it("a date-only value lasts through the end of that day, UTC", () => {
    assert.equal(expiryInstant(dated)?.toISOString(), "2027-01-31T23:59:59.999Z");
    assert.equal(isExpired(dated, new Date("2027-01-31T23:59:59.999Z")), false);
    assert.equal(isExpired(dated, new Date("2027-02-01T00:00:00.000Z")), true);
  });

  it("a date-time value ends at that instant, offsets honoured", () => {
    const timed = s({ rule: "a/b", expires: "2027-01-31T12:00:00+02:00" });
    assert.equal(isExpired(timed, new Date("2027-01-31T10:00:00.000Z")), false);
    assert.equal(isExpired(timed, new Date("2027-01-31T10:00:00.001Z")), true);
  });

  it("no expiry never expires", () => {
    assert.equal(isExpired(s({ rule: "a/b" }), new Date("9999-12-31T00:00:00Z")), false);
  });

  it("applySuppressions stops applying an expired suppression by itself, with a fixed clock on each side", () => {
    const r = report([artifact("m.pkl", SHA_A, [finding("pickle/unknown-class", "medium")])]);
    const before = applySuppressions(r, [s({ rule: "pickle/unknown-class", expires: "2027-01-31" })], fixedClock(new Date("2027-01-31T23:59:59Z")));
    assert.ok(before.report.artifacts[0]!.findings[0]!.suppressed);
    assert.deepEqual(before.expired, []);
    const after = applySuppressions(r, [s({ rule: "pickle/unknown-class", expires: "2027-01-31" })], fixedClock(new Date("2027-02-01T00:00:00Z")));
    assert.equal(after.report.artifacts[0]!.findings[0]!.suppressed, undefined);
    assert.equal(after.expired.length, 1);
    assert.deepEqual(after.unused, []); // expired and unused are disjoint
    assert.equal(after.report.summary.findings.medium, 1);
  });
});

describe("matchSuppression", () => {
  const subject = { ruleId: "pickle/unknown-class", path: "models/custom.pt", digest: SHA_A };

  it("matches on the digest, with or without prefix, in any case", () => {
    assert.ok(matchSuppression(s({ rule: "pickle/unknown-class", digest: `sha256:${SHA_A}` }), subject, NOW));
    assert.ok(matchSuppression(s({ rule: "pickle/unknown-class", digest: `sha256:${SHA_A.toUpperCase()}` }), { ...subject, digest: `sha256:${SHA_A}` }, NOW));
    assert.ok(!matchSuppression(s({ rule: "pickle/unknown-class", digest: `sha256:${SHA_B}` }), subject, NOW));
  });

  it("a digest suppression never matches a subject without a digest (scanned with --no-digest)", () => {
    assert.ok(!matchSuppression(s({ rule: "pickle/unknown-class", digest: `sha256:${SHA_A}` }), { ruleId: subject.ruleId, path: subject.path }, NOW));
  });

  it("requires every given field to match", () => {
    const both = s({ rule: "pickle/*", path: "models/*.pt", digest: `sha256:${SHA_A}` });
    assert.ok(matchSuppression(both, subject, NOW));
    assert.ok(!matchSuppression(both, { ...subject, path: "other/custom.pt" }, NOW));
    assert.ok(!matchSuppression(both, { ...subject, digest: SHA_B }, NOW));
    assert.ok(!matchSuppression(both, { ...subject, ruleId: "zip/encrypted" }, NOW));
  });

  it("a path suppression never matches a subject without a path; a rule-only one matches anywhere", () => {
    assert.ok(!matchSuppression(s({ rule: "pickle/unknown-class", path: "**" }), { ruleId: "pickle/unknown-class" }, NOW));
    assert.ok(matchSuppression(s({ rule: "pickle/unknown-class" }), { ruleId: "pickle/unknown-class" }, NOW));
  });

  it("an expired suppression matches nothing", () => {
    assert.ok(!matchSuppression(s({ rule: "pickle/unknown-class", expires: "2026-06-14" }), subject, NOW));
    assert.ok(matchSuppression(s({ rule: "pickle/unknown-class", expires: "2026-06-15" }), subject, NOW));
  });
});

describe("applySuppressions", () => {
  const input = () =>
    report([
      artifact("models/custom.pt", SHA_A, [finding("pickle/unknown-class", "medium"), finding("pickle/unsafe-call", "high", "archive/data.pkl")]),
      artifact("models/other.pt", SHA_B, [finding("pickle/unknown-class", "medium"), finding("pickle/dangerous-global", "critical")], "malicious"),
      artifact("README.md", undefined, [finding("format/unrecognized", "info")], "clean"),
    ]);

  it("marks matching findings, keeps them in the report, and recomputes the summary", () => {
    const { report: out, unused, expired } = applySuppressions(
      input(),
      [
        s({ rule: "pickle/unknown-class", path: "models/custom.pt", reason: "SEC-123", owner: "alice@example.com", expires: "2027-01-31" }),
        s({ rule: "format/unrecognized", reason: "docs are not models", owner: "bob@example.com" }),
      ],
      fixedClock(NOW),
    );
    const [custom, other, readme] = out.artifacts;
    assert.deepEqual(custom!.findings[0]!.suppressed, { reason: "SEC-123", owner: "alice@example.com", expires: "2027-01-31" });
    assert.equal(custom!.findings[1]!.suppressed, undefined);
    assert.equal(other!.findings[0]!.suppressed, undefined, "same rule, other path");
    assert.deepEqual(readme!.findings[0]!.suppressed, { reason: "docs are not models", owner: "bob@example.com" });
    assert.equal(out.artifacts.flatMap((a) => a.findings).length, 5, "suppressed findings stay in the report");
    assert.deepEqual(out.summary, {
      artifacts: 3,
      verdicts: { malicious: 1, suspicious: 1, clean: 1, error: 0 },
      findings: { critical: 1, high: 1, medium: 1, low: 0, info: 0 },
      suppressed: 2,
    });
    assert.deepEqual(unused, []);
    assert.deepEqual(expired, []);
  });

  it("matches findings inside archive members by the artifact's path", () => {
    const { report: out } = applySuppressions(input(), [s({ rule: "pickle/unsafe-call", path: "models/custom.pt" })], fixedClock(NOW));
    assert.ok(out.artifacts[0]!.findings[1]!.suppressed);
    const byMember = applySuppressions(input(), [s({ rule: "pickle/unsafe-call", path: "models/custom.pt/archive/data.pkl" })], fixedClock(NOW));
    assert.equal(byMember.report.artifacts[0]!.findings[1]!.suppressed, undefined);
    assert.equal(byMember.unused.length, 1);
  });

  it("matches by digest wherever the file sits, and family rules with a path glob", () => {
    const { report: out } = applySuppressions(
      input(),
      [s({ rule: "pickle/*", digest: `sha256:${SHA_B}` }), s({ rule: "pickle/*", path: "models/custom.*" })],
      fixedClock(NOW),
    );
    const suppressed = out.artifacts.map((a) => a.findings.map((f) => f.suppressed !== undefined));
    assert.deepEqual(suppressed, [[true, true], [true, true], [false]]);
    assert.deepEqual(out.summary.findings, { critical: 0, high: 0, medium: 0, low: 0, info: 1 });
    assert.equal(out.summary.suppressed, 4);
  });

  it("takes the reason from the first matching suppression and counts every matching one as used", () => {
    const first = s({ rule: "pickle/unknown-class", path: "models/**", reason: "first" });
    const second = s({ rule: "pickle/unknown-class", reason: "second" });
    const stale = s({ rule: "pickle/unknown-clas", reason: "typo" });
    const { report: out, unused } = applySuppressions(input(), [first, second, stale], fixedClock(NOW));
    assert.equal(out.artifacts[0]!.findings[0]!.suppressed?.reason, "first");
    assert.deepEqual(unused, [stale]);
  });

  it("never mutates its input and shares no objects with it", () => {
    const r = input();
    const snapshot = structuredClone(r);
    const { report: out } = applySuppressions(r, [s({ rule: "pickle/unknown-class" })], fixedClock(NOW));
    assert.deepEqual(r, snapshot);
    out.artifacts[0]!.metadata.touched = true;
    out.artifacts[0]!.findings[1]!.location.offset = 99;
    assert.deepEqual(r, snapshot);
  });

  it("recomputes marks from scratch: a mark from an earlier run disappears once its suppression expires", () => {
    const sup = s({ rule: "pickle/unknown-class", expires: "2026-06-15" });
    const once = applySuppressions(input(), [sup], fixedClock(NOW)).report;
    assert.equal(once.summary.suppressed, 2);
    const later = applySuppressions(once, [sup], fixedClock(new Date("2026-06-16T00:00:00Z")));
    assert.equal(later.report.summary.suppressed, 0);
    assert.equal(later.report.summary.findings.medium, 2);
  });

  it("re-derives verdicts when given the verdict function", () => {
    const cleanUnlessUnsuppressed = (a: ArtifactReport) => (a.findings.some((f) => !f.suppressed && f.severity === "critical") ? "malicious" : "clean");
    const { report: out } = applySuppressions(input(), [s({ rule: "pickle/dangerous-global", digest: `sha256:${SHA_B}` })], fixedClock(NOW), {
      deriveVerdict: cleanUnlessUnsuppressed,
    });
    assert.equal(out.artifacts[1]!.verdict, "clean");
    assert.deepEqual(out.summary.verdicts, { malicious: 0, suspicious: 0, clean: 3, error: 0 });
    // Without it, verdicts stay as they were.
    assert.equal(applySuppressions(input(), [], fixedClock(NOW)).report.artifacts[1]!.verdict, "malicious");
  });
});

describe("summarize", () => {
  it("has every key, zero or not, for an empty scan", () => {
    assert.deepEqual(summarize([]), {
      artifacts: 0,
      verdicts: { malicious: 0, suspicious: 0, clean: 0, error: 0 },
      findings: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
      suppressed: 0,
    });
  });

  it("counts suppressed findings only as suppressed", () => {
    const f = { ...finding("a/b", "critical"), suppressed: { reason: "r", owner: "o" } };
    const sum = summarize([artifact("x", SHA_A, [f, finding("a/c", "low")], "error")]);
    assert.deepEqual(sum.findings, { critical: 0, high: 0, medium: 0, low: 1, info: 0 });
    assert.equal(sum.suppressed, 1);
    assert.equal(sum.verdicts.error, 1);
  });
});

describe("suppressionSchema", () => {
  it("is reusable by other domains: an advisory id as rule, digest lower-cased", () => {
    const parsed = suppressionSchema.parse({ rule: "GHSA-abcd-1234-efgh", digest: `sha256:${SHA_A.toUpperCase()}`, reason: "r", owner: "o" });
    assert.deepEqual(parsed, { rule: "GHSA-abcd-1234-efgh", digest: `sha256:${SHA_A}`, reason: "r", owner: "o" });
    assert.equal(suppressionSchema.safeParse({ rule: "deps/*", reason: "r", owner: "o" }).success, false);
    assert.equal(suppressionSchema.safeParse({ rule: "deps/*", path: "requirements.txt", reason: "r", owner: "o" }).success, true);
  });
});
