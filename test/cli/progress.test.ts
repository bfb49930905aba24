import assert from "node:assert/strict";
import { test } from "node:test";
import { formatProgress, ProgressLine } from "../../src/cli/progress.js";

test("the bar fills with the fraction done and names the file", () => {
  assert.equal(formatProgress({ done: 5, total: 10, path: "a.pkl" }, 80), "[##########..........] 5/10 a.pkl");
  assert.equal(formatProgress({ done: 0, total: 0, path: "" }, 80), "[####################] 0/0 ");
});

test("a long line is cut to the terminal width so it never wraps", () => {
  const line = formatProgress({ done: 1, total: 3, path: "x".repeat(200) }, 60);
  assert.equal(line.length, 59);
  assert.ok(line.endsWith("..."));
});

test("control characters in a file name are escaped", () => {
  assert.match(formatProgress({ done: 1, total: 1, path: "a\u001b[2Jb" }, 80), /a\\x1b\[2Jb$/);
});

test("redraws at most every 100 ms, always draws the last one, and erases on clear", () => {
  const writes: string[] = [];
  let now = 0;
  const line = new ProgressLine({ write: (s: string) => writes.push(s), columns: 80 }, () => now);
  line.update({ done: 1, total: 3, path: "a" });
  now = 50;
  line.update({ done: 2, total: 3, path: "b" }); // too soon: skipped
  now = 60;
  line.update({ done: 3, total: 3, path: "c" }); // the last one: drawn anyway
  line.clear();
  line.clear(); // nothing left to erase
  assert.deepEqual(writes, [
    "\r\u001b[2K[#######.............] 1/3 a",
    "\r\u001b[2K[####################] 3/3 c",
    "\r\u001b[2K",
  ]);
});
