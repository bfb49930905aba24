/**
 * OSV records and matching: range semantics (introduced/fixed/last_affected/limit, "0", ties,
 * unparseable bounds fail closed), `versions` lists in canonical form, withdrawn and malformed
 * records, YAML scalars kept as strings, CVSS scoring.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decode } from "../../src/deps/db/inputs.js";
import { isAffected } from "../../src/deps/osv/match.js";
import { parseOsvRecord } from "../../src/deps/osv/record.js";
import { bestCvss, levelOfScore, levelOfWord, scoreCvss } from "../../src/deps/osv/severity.js";
import type { AffectedPackage, RangeEvent } from "../../src/deps/types.js";
import { versionScheme } from "../../src/deps/version/index.js";
import { OSV_FIXTURES } from "./support.js";

const PYPI = versionScheme("PyPI")!;
const NPM = versionScheme("npm")!;

function entry(events: RangeEvent[][], versions: string[] = [], type: "ECOSYSTEM" | "SEMVER" = "ECOSYSTEM"): AffectedPackage {
  return { ecosystem: "PyPI", name: "x", ranges: events.map((e) => ({ type, events: e })), versions };
}

describe("OSV range evaluation", () => {
  it("introduced 0 / fixed: affected strictly below the fix", () => {
    const e = entry([[{ introduced: "0" }, { fixed: "1.2.0" }]]);
    for (const v of ["0.0.1", "1.0", "1.2.0rc1", "1.2.0.dev0", "1.1.99"]) assert.equal(isAffected(e, v, PYPI), true, v);
    for (const v of ["1.2", "1.2.0", "1.2.0.post1", "2.0", "1!0.1"]) assert.equal(isAffected(e, v, PYPI), false, v);
  });

  it("last_affected closes after itself", () => {
    const e = entry([[{ introduced: "2.0" }, { last_affected: "2.1.post1" }]]);
    assert.equal(isAffected(e, "1.9", PYPI), false);
    assert.equal(isAffected(e, "2.0", PYPI), true);
    assert.equal(isAffected(e, "2.1.post1", PYPI), true);
    assert.equal(isAffected(e, "2.1.post2", PYPI), false);
  });

  it("several intervals in one range, events in any order", () => {
    const e = entry([[{ fixed: "2.5" }, { introduced: "2.0" }, { fixed: "1.5" }, { introduced: "1.0" }]]);
    const expect: Record<string, boolean> = { "0.9": false, "1.0": true, "1.4": true, "1.5": false, "1.9": false, "2.0": true, "2.4.9": true, "2.5": false };
    for (const [v, affected] of Object.entries(expect)) assert.equal(isAffected(e, v, PYPI), affected, v);
  });

  it("an open range (no fix) affects everything from introduced on", () => {
    const e = entry([[{ introduced: "3.0" }]]);
    assert.equal(isAffected(e, "2.9", PYPI), false);
    assert.equal(isAffected(e, "99.0", PYPI), true);
  });

  it("introduced and fixed at the same version make an empty range", () => {
    const e = entry([[{ introduced: "1.0" }, { fixed: "1.0" }]]);
    assert.equal(isAffected(e, "1.0", PYPI), false);
  });

  it("limit events cap the range", () => {
    const e = entry([[{ introduced: "0" }, { limit: "2.0" }]]);
    assert.equal(isAffected(e, "1.9", PYPI), true);
    assert.equal(isAffected(e, "2.0", PYPI), false);
  });

  it("unparseable bounds fail closed: a bad introduced is 0, a bad fixed is ignored", () => {
    assert.equal(isAffected(entry([[{ introduced: "not-a-version" }, { fixed: "2.0" }]]), "0.1", PYPI), true);
    assert.equal(isAffected(entry([[{ introduced: "1.0" }, { fixed: "2004d" }]]), "3.0", PYPI), true);
  });

  it("versions lists match in canonical form, also for versions that cannot be ordered", () => {
    const e = entry([], [PYPI.canonical("1.5.0")!, "2004d"]);
    assert.equal(isAffected(e, "1.5", PYPI), true);
    assert.equal(isAffected(e, "v1.5.0.0", PYPI), true);
    assert.equal(isAffected(e, "1.5.1", PYPI), false);
    assert.equal(isAffected(e, "2004d", PYPI), true);
    assert.equal(isAffected(entry([[{ introduced: "0" }]]), "2004d", PYPI), false, "ranges cannot order an invalid version");
  });

  it("npm uses SemVer: pre-releases sort below their release", () => {
    const e = entry([[{ introduced: "0" }, { fixed: "1.3.0" }]], [], "SEMVER");
    assert.equal(isAffected(e, "1.3.0-beta.1", NPM), true);
    assert.equal(isAffected(e, "1.2.10", NPM), true);
    assert.equal(isAffected(e, "1.3.0", NPM), false);
    assert.equal(isAffected(e, "1.10.0", NPM), false);
  });
});

describe("OSV records", () => {
  const load = (name: string) => parseOsvRecord(decode(readFileSync(join(OSV_FIXTURES, name), "utf8"), name));

  it("keeps ECOSYSTEM ranges, drops GIT ranges, canonicalises versions, sorts aliases", () => {
    const r = load("PYSEC-TEST-1.yaml");
    assert.equal(r.kind, "advisory");
    if (r.kind !== "advisory") return;
    assert.deepEqual(r.advisory.aliases, ["CVE-TEST-1", "GHSA-test-1"]);
    assert.equal(r.advisory.affected[0]!.ranges.length, 2);
    assert.ok(r.advisory.affected[0]!.ranges.every((x) => x.type === "ECOSYSTEM"));
    assert.equal(r.advisory.summary, "Demo package runs code from a crafted config");
  });

  it("reads unquoted YAML versions as strings: fixed 1.10 is not 1.1", () => {
    const r = load("PYSEC-TEST-4.yaml");
    assert.equal(r.kind, "advisory");
    if (r.kind !== "advisory") return;
    assert.deepEqual(r.advisory.affected[0]!.ranges[0]!.events, [{ introduced: "0" }, { fixed: "1.10" }]);
    assert.equal(isAffected(r.advisory.affected[0]!, "1.2", PYPI), true);
    assert.equal(isAffected(r.advisory.affected[0]!, "1.10.0", PYPI), false);
  });

  it("takes the summary from the first sentence of details when there is none", () => {
    const r = load("PYSEC-TEST-2.json");
    assert.equal(r.kind === "advisory" && r.advisory.summary, "Only the 1.5.0 release of demo-pkg shipped a debug backdoor.");
  });

  it("recognises withdrawn records", () => {
    assert.deepEqual(load("PYSEC-TEST-3.json"), { kind: "withdrawn", id: "PYSEC-TEST-3" });
  });

  it("reports malformed records with what is wrong", () => {
    assert.equal(parseOsvRecord({ summary: "no id" }).kind, "malformed");
    const twoKeys = parseOsvRecord({ id: "X-1", affected: [{ package: { ecosystem: "PyPI", name: "x" }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0", fixed: "1" }] }] }] });
    assert.equal(twoKeys.kind, "malformed");
    assert.match(twoKeys.kind === "malformed" ? twoKeys.message : "", /exactly one of/);
    assert.equal(parseOsvRecord({ id: "X-2", affected: [{ package: { name: "x" } }] }).kind, "malformed");
    assert.equal(parseOsvRecord([1, 2]).kind, "malformed");
  });
});

describe("severity", () => {
  it("scores CVSS v3.1, v3.0 and v4.0 base vectors as FIRST's calculators do", () => {
    assert.equal(scoreCvss({ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" })?.score, 9.8);
    assert.equal(scoreCvss({ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H" })?.score, 7.5);
    assert.equal(scoreCvss({ type: "CVSS_V3", score: "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N" })?.score, 6.1);
    assert.equal(scoreCvss({ type: "CVSS_V3", score: "CVSS:3.1/AV:L/AC:L/PR:L/UI:R/S:U/C:L/I:N/A:N" })?.score, 2.8);
    assert.equal(scoreCvss({ type: "CVSS_V4", score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N" })?.score, 9.3);
    assert.equal(scoreCvss({ type: "CVSS_V4", score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N" })?.score, 0);
  });

  it("refuses incomplete or foreign vectors instead of scoring defaults", () => {
    assert.equal(scoreCvss({ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L" }), undefined);
    assert.equal(scoreCvss({ type: "CVSS_V4", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }), undefined);
    assert.equal(scoreCvss({ type: "Ubuntu", score: "high" }), undefined);
  });

  it("prefers the newest CVSS version", () => {
    const best = bestCvss([
      { type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" },
      { type: "CVSS_V4", score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:L/SC:N/SI:N/SA:N" },
    ]);
    assert.equal(best?.version, 4);
  });

  it("maps scores and database words to levels", () => {
    assert.deepEqual([9.0, 8.9, 7.0, 6.9, 4.0, 3.9, 0.1, 0].map(levelOfScore), ["critical", "high", "high", "medium", "medium", "low", "low", "info"]);
    assert.equal(levelOfWord("MODERATE"), "medium");
    assert.equal(levelOfWord("critical"), "critical");
    assert.equal(levelOfWord("whatever"), undefined);
  });
});
