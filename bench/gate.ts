/**
 * Issue 8's goal: evaluating the policy adds under 50 ms to the cost of gathering the facts. Both are
 * measured in this run on the sample model: `gatherFacts` (scan, audit, provenance, digest) once warm,
 * then `evaluatePolicy` of the built-in policy (every CEL rule) as a median of 50 runs, and the policy
 * load (parse + trial evaluation of every expression) once.
 *
 *   node --import tsx bench/gate.ts [path/to/model] [--db DIR]
 */
import { cpus } from "node:os";
import { defaultPolicy, evaluatePolicy, gatherFacts } from "../src/index.js";

const args = process.argv.slice(2);
const dbAt = args.indexOf("--db");
const dbDir = dbAt >= 0 ? args[dbAt + 1] : undefined;
const target = args.find((a, i) => !a.startsWith("--") && i !== dbAt + 1) ?? "examples/tiny-model";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const r = await f();
  return [r, performance.now() - t0];
};

await gatherFacts(target, { dbDir }); // warm-up: module loading and JIT are not the gate's cost
const factMs: number[] = [];
let facts = await gatherFacts(target, { dbDir });
for (let i = 0; i < 5; i++) {
  const [f, ms] = await time(() => gatherFacts(target, { dbDir }));
  facts = f;
  factMs.push(ms);
}
const [policy, loadMs] = await time(async () => defaultPolicy());
await evaluatePolicy(policy, facts);
const evalMs: number[] = [];
let decision = "";
for (let i = 0; i < 50; i++) {
  const [r, ms] = await time(() => evaluatePolicy(policy, facts));
  decision = r.decision;
  evalMs.push(ms);
}
const facts50 = median(factMs);
const eval50 = median(evalMs);
console.log(`# gate  (${cpus()[0]?.model ?? "cpu"} | nproc ${cpus().length} | node ${process.version} | ${new Date().toISOString()})`);
console.log(`target ${target}${dbDir ? `, database ${dbDir}` : ", no database (audit fact unavailable)"}; decision ${decision}\n`);
console.log("| measurement | median ms | vs facts |");
console.log("| --- | --- | --- |");
console.log(`| gather the facts (scan, audit, provenance, digest) | ${facts50.toFixed(1)} | 1.00x |`);
console.log(`| evaluate the built-in policy (${policy.rules.length} rules) | ${eval50.toFixed(2)} | ${(eval50 / facts50).toFixed(3)}x |`);
console.log(`| load the built-in policy (parse + trial evaluation), once | ${loadMs.toFixed(1)} | |`);
console.log(`| peak RSS | ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB | |`);
console.log(`\n${eval50 < 50 ? "MET   " : "MISSED"} evaluation adds ${eval50.toFixed(2)} ms to the facts' cost (goal < 50 ms)`);
