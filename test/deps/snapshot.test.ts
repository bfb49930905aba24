/**
 * The real PyPA advisory database snapshot (../shared/data/osv/pypa-advisory-database, 2,661 YAML
 * records): every record imports (withdrawn ones skipped, none malformed), and realistic
 * requirements and lock files (test/fixtures/deps/projects/real) get exactly the advisories the
 * independent reference (`reference/osv_match.py`: PyYAML + Python's `packaging`) computes. Skips
 * visibly when ../shared is absent.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { audit } from "../../src/deps/audit/audit.js";
import { importOsv, type ImportResult } from "../../src/deps/db/import.js";
import type { AuditReport } from "../../src/deps/types.js";
import { SHARED_DIR } from "../support/shared.js";
import { cleanup, NOW, PROJECTS, tempDir } from "./support.js";

const SNAPSHOT = SHARED_DIR === undefined ? undefined : join(SHARED_DIR, "data", "osv", "pypa-advisory-database");
const skip = SNAPSHOT === undefined || !existsSync(SNAPSHOT) ? "../shared/data/osv/pypa-advisory-database is absent" : false;

/** From `python3 test/deps/reference/osv_match.py <snapshot> name==version ...` (see that file). */
const EXPECTED: Record<string, string[]> = {
  "torch 1.13.0": ["PYSEC-2022-43015"],
  "numpy 1.21.0": [],
  "scikit-learn 0.24.1": [],
  "Pillow 9.0.0": ["PYSEC-2022-168", "PYSEC-2022-42979", "PYSEC-2023-175", "PYSEC-2023-227"],
  "PyYAML 5.3.1": ["PYSEC-2021-142"],
  "Jinja2 2.11.2": ["PYSEC-2021-66"],
  "requests 2.25.1": ["PYSEC-2023-74"],
  "urllib3 1.26.4": ["PYSEC-2021-108", "PYSEC-2023-192", "PYSEC-2023-212"],
  "mlflow 1.30.0": ["PYSEC-2023-252", "PYSEC-2023-253", "PYSEC-2023-260", "PYSEC-2023-28", "PYSEC-2023-29", "PYSEC-2023-68", "PYSEC-2023-69", "PYSEC-2023-70", "PYSEC-2024-51"],
  "gradio 3.13.0": ["PYSEC-2023-16", "PYSEC-2023-249", "PYSEC-2023-255", "PYSEC-2023-90"],
  "protobuf 3.20.1": [],
  "lxml 4.6.2": ["PYSEC-2021-19", "PYSEC-2021-852", "PYSEC-2022-230"],
  "aiohttp 3.8.1": ["PYSEC-2023-120", "PYSEC-2023-246", "PYSEC-2023-250", "PYSEC-2023-251", "PYSEC-2024-24", "PYSEC-2024-26"],
  "cryptography 3.3.2": ["PYSEC-2023-11", "PYSEC-2023-254"],
  "joblib 1.1.0": ["PYSEC-2022-288"],
  "onnx 1.12.0": ["PYSEC-2023-38"],
  "py 1.11.0": ["PYSEC-2022-42969"],
  "setuptools 65.5.0": ["PYSEC-2022-43012"],
  "tqdm 4.64.0": [],
  "werkzeug 2.2.2": ["PYSEC-2023-221", "PYSEC-2023-57", "PYSEC-2023-58"],
};

function recordIds(report: AuditReport): Record<string, string[]> {
  return Object.fromEntries(
    report.packages.filter((r) => r.package.version !== undefined).map((r) => [`${r.package.name} ${r.package.version}`, r.vulnerabilities.flatMap((v) => v.ids).sort()]),
  );
}

describe("the shared PyPA advisory snapshot", { skip }, () => {
  let dir = "";
  let imported: ImportResult;

  before(async () => {
    dir = join(tempDir(), "db");
    imported = await importOsv([SNAPSHOT!], { dir, clock: NOW });
  });
  after(cleanup);

  it("imports every record: 2,651 advisories, 10 withdrawn skipped, none malformed", () => {
    const source = imported.imported[0]!;
    assert.equal(source.advisories, 2651);
    assert.equal(source.withdrawn, 10);
    assert.deepEqual(imported.problems, []);
    assert.ok(imported.withdrawn[source.name]!.includes("PYSEC-2022-43059"), "aiohttp's disputed advisory is withdrawn");
    assert.equal(imported.manifest.index.PyPI!.advisories, 2651);
    assert.equal(source.asOf, "2024-10-10T17:22:00.587Z", "the newest modified date in the snapshot");
  });

  it("audits a requirements file to exactly the reference's advisories; unpinned lines stay unresolved", async () => {
    const { report } = await audit([join(PROJECTS, "real", "requirements.txt")], { dbDir: dir, clock: NOW });
    const got = recordIds(report);
    for (const [pkg, ids] of Object.entries(got)) assert.deepEqual(ids, EXPECTED[pkg], pkg);
    assert.equal(Object.keys(got).length, 12);
    assert.deepEqual(report.packages.filter((r) => r.status === "unresolved").map((r) => `${r.package.name} ${r.package.unresolved!.detail}`), ["tqdm ", "transformers >=4.30"]);
    assert.equal(report.summary.vulnerablePackages, 9);
  });

  it("audits a poetry.lock to exactly the reference's advisories, with fixes", async () => {
    const { report } = await audit([join(PROJECTS, "real", "poetry.lock")], { dbDir: dir, clock: NOW });
    const got = recordIds(report);
    for (const [pkg, ids] of Object.entries(got)) assert.deepEqual(ids, EXPECTED[pkg], pkg);
    assert.equal(Object.keys(got).length, 8);
    const fixes = Object.fromEntries(report.packages.map((r) => [r.package.name, r.fixVersion]));
    assert.equal(fixes.aiohttp, "3.9.2");
    assert.equal(fixes.py, undefined, "PYSEC-2022-42969 is last_affected 1.11.0 with no fixed version");
    assert.equal(fixes.tqdm, undefined);
  });

  it("keeps database severities and CVSS scores where the records give them", async () => {
    const { report } = await audit([join(PROJECTS, "real", "poetry.lock")], { dbDir: dir, clock: NOW });
    const aiohttp = report.packages.find((r) => r.package.name === "aiohttp")!;
    const scored = aiohttp.vulnerabilities.find((v) => v.id === "PYSEC-2024-24")!;
    assert.equal(scored.severity.source, "cvss");
    assert.equal(scored.severity.score, 7.5);
    const unscored = aiohttp.vulnerabilities.find((v) => v.id === "PYSEC-2023-120")!;
    assert.deepEqual(unscored.severity, { level: "high", source: "none" });
  });
});
