/**
 * The opcode table matches CPython's own: names, byte values and protocols are compared with
 * `pickletools.opcodes` from the machine's python3. Skips visibly where python3 is not installed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { OPCODES } from "../../../src/formats/pickle/opcodes.js";

test("every opcode pickletools knows is in the table, with the same code and protocol", (t) => {
  const py = spawnSync("python3", ["-c", "import pickletools, json; print(json.dumps([[o.name, ord(o.code), o.proto] for o in pickletools.opcodes]))"], { encoding: "utf8" });
  if (py.status !== 0) {
    t.skip("python3 with pickletools is not available");
    return;
  }
  const theirs = (JSON.parse(py.stdout) as [string, number, number][]).map(([n, c, p]) => `${n}:${c}:${p}`).sort();
  const ours = OPCODES.filter((o) => o !== undefined).map((o) => `${o!.name}:${o!.code}:${o!.proto}`).sort();
  assert.deepEqual(ours, theirs);
});
