/** End to end through `scan()`: the 7z handler registered, members judged like files. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { scan } from "../../../src/index.js";
import { FIXTURES } from "./helpers.js";

async function scanOne(name: string) {
  return (await scan([join(FIXTURES, name)])).artifacts[0]!;
}

test("a malicious pickle in a 7z makes it malicious, located at the member", async () => {
  const a = await scanOne("malicious.7z");
  assert.deepEqual([a.format, a.verdict], ["7z", "malicious"]);
  assert.deepEqual(a.findings.map((f) => [f.ruleId, f.location.member]), [["pickle/dangerous-global", "model/data.pkl"]]);
  assert.deepEqual(a.members?.map((m) => [m.path, m.format]), [
    ["model/config.json", "json"],
    ["model/data.pkl", "pickle"],
  ]);
});

test("verdicts: benign clean, escaping link malicious, encrypted and broken archives error", async () => {
  assert.equal((await scanOne("benign.7z")).verdict, "clean");
  assert.equal((await scanOne("links.7z")).verdict, "malicious");
  assert.equal((await scanOne("absolute.7z")).verdict, "malicious");
  for (const name of ["encrypted.7z", "encrypted_headers.7z", "truncated.7z", "corrupt_data.7z"]) {
    const a = await scanOne(name);
    assert.deepEqual([a.verdict, a.complete], ["error", false], name);
  }
});
