/**
 * The local database: import from files, folders and zips (deflated, as OSV publishes them);
 * malformed records reported, not fatal; re-import replaces a source; `db update` against a local
 * HTTP server on 127.0.0.1, including every way a download can be bad, each of which must leave the
 * database exactly as it was.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { fixedClock } from "../../src/core/clock.js";
import { VouchError } from "../../src/core/errors.js";
import { importOsv } from "../../src/deps/db/import.js";
import { databaseStatus } from "../../src/deps/db/status.js";
import { openGeneration } from "../../src/deps/db/store.js";
import { updateDatabase } from "../../src/deps/db/update.js";
import { cleanup, FIXTURES, makeZip, NOW, OSV_FIXTURES, tempDir } from "./support.js";

after(cleanup);

function fixtureRecords(): Record<string, string> {
  return Object.fromEntries(readdirSync(OSV_FIXTURES).map((f) => [f, readFileSync(join(OSV_FIXTURES, f), "utf8")]));
}

/** The same records as JSON members (OSV's zips hold JSON only). */
function jsonRecords(): Record<string, string> {
  return {
    "PYSEC-TEST-2.json": readFileSync(join(OSV_FIXTURES, "PYSEC-TEST-2.json"), "utf8"),
    "GHSA-test-1.json": readFileSync(join(OSV_FIXTURES, "GHSA-test-1.json"), "utf8"),
    "GHSA-npm-1.json": readFileSync(join(OSV_FIXTURES, "GHSA-npm-1.json"), "utf8"),
  };
}

/** Three npm records, so that one alone is a collapse (fewer than half). */
function threeNpmRecords(): Record<string, string> {
  const one = jsonRecords()["GHSA-npm-1.json"]!;
  return { "GHSA-npm-1.json": one, "GHSA-npm-2.json": one.replace("GHSA-npm-1", "GHSA-npm-2"), "GHSA-npm-3.json": one.replace("GHSA-npm-1", "GHSA-npm-3") };
}

describe("db import", () => {
  it("imports a folder: withdrawn skipped, aliases indexed under every package name spelling", async () => {
    const dir = join(tempDir(), "db");
    const result = await importOsv([OSV_FIXTURES], { dir, clock: NOW });
    assert.equal(result.imported[0]!.advisories, 5);
    assert.equal(result.imported[0]!.withdrawn, 1);
    assert.deepEqual(result.withdrawn[result.imported[0]!.name], ["PYSEC-TEST-3"]);
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.imported[0]!.ecosystems, { PyPI: 4, npm: 1 });
    assert.equal(result.imported[0]!.asOf, "2026-01-07T00:00:00.000Z", "an import is as current as its newest record");
    const db = (await openGeneration(dir))!;
    assert.deepEqual(db.lookup("PyPI", "demo-pkg").map((a) => a.id), ["GHSA-test-1", "PYSEC-TEST-1", "PYSEC-TEST-2"]);
    assert.deepEqual(db.lookup("npm", "left-pad").map((a) => a.id), ["GHSA-npm-1"]);
    assert.deepEqual(db.lookup("PyPI", "left-pad"), []);
    assert.deepEqual(db.lookup("PyPI", "nothing-here"), []);
    db.close();
  });

  it("reports malformed records and undecodable files and imports the rest", async () => {
    const dir = join(tempDir(), "db");
    const result = await importOsv([OSV_FIXTURES, join(FIXTURES, "osv-malformed")], { dir, clock: NOW });
    const origins = result.problems.map((p) => p.origin).sort();
    assert.deepEqual(origins, ["bad-range.json", "no-id.json", "not-json.json"]);
    assert.equal(result.problems.find((p) => p.origin === "bad-range.json")?.id, "BAD-RANGE-1");
    assert.equal(result.imported[1]!.advisories, 0);
    assert.equal(result.imported[1]!.malformed, 3);
  });

  it("imports a deflated all.zip and a stored one the same way", async () => {
    for (const stored of [false, true]) {
      const root = tempDir();
      const zip = join(root, "all.zip");
      writeFileSync(zip, makeZip({ ...jsonRecords(), "README.txt": "not a record" }, stored));
      const result = await importOsv([zip], { dir: join(root, "db"), clock: NOW });
      assert.equal(result.imported[0]!.advisories, 3);
      assert.deepEqual(result.problems, []);
    }
  });

  it("refuses a file that is not a zip at all", async () => {
    const root = tempDir();
    writeFileSync(join(root, "all.zip"), "definitely not a zip archive");
    await assert.rejects(importOsv([join(root, "all.zip")], { dir: join(root, "db"), clock: NOW }), (e: unknown) => e instanceof VouchError && e.code === "E_DB_ZIP");
  });

  it("re-importing a path replaces that source and keeps the others", async () => {
    const root = tempDir();
    const dir = join(root, "db");
    const single = join(root, "one");
    await importOsv([OSV_FIXTURES], { dir, clock: NOW });
    writeFileSync(join(root, "GHSA-npm-1.json"), readFileSync(join(OSV_FIXTURES, "GHSA-npm-1.json")));
    await importOsv([join(root, "GHSA-npm-1.json")], { dir, clock: NOW });
    let status = await databaseStatus(dir, NOW);
    assert.equal(status.manifest!.sources.length, 2);
    await importOsv([OSV_FIXTURES], { dir, clock: NOW });
    status = await databaseStatus(dir, NOW);
    assert.equal(status.manifest!.sources.length, 2);
    assert.equal(status.manifest!.index.PyPI!.advisories, 4);
    void single;
  });

  it("keeps the current and the previous generation only", async () => {
    const dir = join(tempDir(), "db");
    for (let i = 0; i < 4; i++) await importOsv([OSV_FIXTURES], { dir, clock: NOW });
    assert.equal(readdirSync(dir).filter((n) => n.startsWith("gen-")).length, 2);
  });

  it("refuses to write while another live process holds the lock", async () => {
    const dir = join(tempDir(), "db");
    await importOsv([OSV_FIXTURES], { dir, clock: NOW });
    writeFileSync(join(dir, ".lock"), String(process.ppid));
    await assert.rejects(importOsv([OSV_FIXTURES], { dir, clock: NOW }), (e: unknown) => e instanceof VouchError && e.code === "E_DB_LOCKED");
    writeFileSync(join(dir, ".lock"), "999999999"); // no such process: a crashed writer's lock is taken over
    await importOsv([OSV_FIXTURES], { dir, clock: NOW });
  });

  it("status: sources, counts and age by the given clock", async () => {
    const dir = join(tempDir(), "db");
    assert.equal((await databaseStatus(dir, NOW)).exists, false);
    await importOsv([OSV_FIXTURES], { dir, clock: NOW });
    const fresh = await databaseStatus(dir, fixedClock(new Date("2026-01-10T00:00:00Z")), 7);
    assert.equal(fresh.info!.ageDays, 3);
    assert.equal(fresh.info!.stale, false);
    const old = await databaseStatus(dir, fixedClock(new Date("2026-03-01T00:00:00Z")), 7);
    assert.equal(old.info!.ageDays, 53);
    assert.equal(old.info!.stale, true);
  });
});

describe("db update (local HTTP server)", () => {
  let server: Server;
  let base = "";
  const routes = new Map<string, (res: import("node:http").ServerResponse) => void>();
  const served: string[] = [];

  before(async () => {
    server = createServer((req, res) => {
      served.push(req.url ?? "");
      const handler = routes.get(req.url ?? "");
      if (handler) handler(res);
      else res.writeHead(404).end("not found");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const zipBody = (members: Record<string, string>) => (res: import("node:http").ServerResponse) => {
    const body = makeZip(members);
    res.writeHead(200, { "content-type": "application/zip", "content-length": body.length }).end(body);
  };

  async function generationOf(dir: string): Promise<string> {
    return readFileSync(join(dir, "CURRENT"), "utf8");
  }

  it("downloads every ecosystem, then swaps them in together", async () => {
    routes.set("/PyPI/all.zip", zipBody({ "PYSEC-TEST-2.json": jsonRecords()["PYSEC-TEST-2.json"]!, "GHSA-test-1.json": jsonRecords()["GHSA-test-1.json"]! }));
    routes.set("/npm/all.zip", zipBody({ "GHSA-npm-1.json": jsonRecords()["GHSA-npm-1.json"]! }));
    const dir = join(tempDir(), "db");
    const result = await updateDatabase({ dir, clock: NOW, baseUrl: base });
    assert.deepEqual(result.updated.map((s) => [s.name, s.advisories, s.asOf]), [
      ["osv:PyPI", 2, NOW.now().toISOString()],
      ["osv:npm", 1, NOW.now().toISOString()],
    ]);
    const db = (await openGeneration(dir))!;
    assert.equal(db.lookup("npm", "left-pad").length, 1);
    db.close();
    assert.ok(served.includes("/PyPI/all.zip") && served.includes("/npm/all.zip"));
  });

  /** Each bad answer fails the update and leaves CURRENT (and so the whole database) untouched. */
  const failures: [string, (res: import("node:http").ServerResponse) => void, RegExp][] = [
    ["a 404", (res) => res.writeHead(404).end(), /404/],
    ["a truncated zip", (res) => {
      const body = makeZip(jsonRecords()).subarray(0, 200); // a consistent but cut-short file: no central directory
      res.writeHead(200, { "content-length": body.length }).end(body);
    }, /received|central directory|not a readable zip/],
    ["a body shorter than its content-length", (res) => {
      const body = makeZip(jsonRecords());
      res.writeHead(200, { "content-length": body.length + 100 });
      res.write(body);
      res.destroy();
    }, /broke off|received|cannot download/],
    ["a member that is not JSON", zipBody({ "BROKEN.json": "{ nope" }), /not valid OSV JSON/],
    ["an empty archive", zipBody({}), /no advisories|central directory|not a readable zip/],
    ["a collapsed count", zipBody({ "GHSA-npm-1.json": "{\"id\": \"ONLY-1\", \"modified\": \"2026-01-01T00:00:00Z\", \"affected\": []}" }), /only 1 advisories/],
  ];

  for (const [what, handler, message] of failures) {
    it(`keeps the database as it was on ${what}`, async () => {
      const dir = join(tempDir(), "db");
      routes.set("/PyPI/all.zip", zipBody({ "PYSEC-TEST-2.json": jsonRecords()["PYSEC-TEST-2.json"]!, "GHSA-test-1.json": jsonRecords()["GHSA-test-1.json"]! }));
      routes.set("/npm/all.zip", zipBody(threeNpmRecords()));
      await updateDatabase({ dir, clock: NOW, baseUrl: base });
      const before = await generationOf(dir);
      routes.set("/npm/all.zip", handler);
      await assert.rejects(updateDatabase({ dir, clock: NOW, baseUrl: base }), (e: unknown) => {
        assert.ok(e instanceof VouchError && e.code.startsWith("E_DB"), String(e));
        assert.match(e.message, message);
        return true;
      });
      assert.equal(await generationOf(dir), before);
      assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith(".tmp")), []);
      const db = (await openGeneration(dir))!;
      assert.equal(db.lookup("npm", "left-pad").length, 3);
      db.close();
    });
  }

  it("accepts a collapsed count with force", async () => {
    const dir = join(tempDir(), "db");
    routes.set("/npm/all.zip", zipBody(threeNpmRecords()));
    await updateDatabase({ dir, clock: NOW, baseUrl: base, ecosystems: ["npm"] });
    routes.set("/npm/all.zip", zipBody({ "GHSA-npm-1.json": jsonRecords()["GHSA-npm-1.json"]! }));
    await assert.rejects(updateDatabase({ dir, clock: NOW, baseUrl: base, ecosystems: ["npm"] }));
    const result = await updateDatabase({ dir, clock: NOW, baseUrl: base, ecosystems: ["npm"], force: true });
    assert.equal(result.updated[0]!.advisories, 1);
  });

  it("keeps imported sources when updating", async () => {
    const dir = join(tempDir(), "db");
    await importOsv([OSV_FIXTURES], { dir, clock: NOW });
    routes.set("/npm/all.zip", zipBody({ "GHSA-npm-1.json": jsonRecords()["GHSA-npm-1.json"]! }));
    await updateDatabase({ dir, clock: NOW, baseUrl: base, ecosystems: ["npm"] });
    const status = await databaseStatus(dir, NOW);
    assert.deepEqual(status.manifest!.sources.map((s) => s.kind).sort(), ["import", "update"]);
  });
});
