import assert from "node:assert/strict";
import { test } from "node:test";
import { describeLocation, printable, renderText, summaryLine } from "../../src/report/text.js";
import { cleanArtifact, sampleArtifacts, sampleReport } from "./fixtures.js";

const ESC = "\u001b";

function lines(text: string): string[] {
  return text.trimEnd().split("\n");
}

test("each artifact gets a line with verdict, format and path, findings under it", () => {
  const out = lines(renderText(sampleReport(), { color: false }));
  assert.equal(out[0], "MALICIOUS   pytorch-zip  models/checkpoint.pt");
  assert.equal(out[1], "  critical  pickle/dangerous-global  The pickle imports os.system, which runs a shell command.");
  assert.equal(out[2], "            at archive/data.pkl @ offset 118, op #12");
  assert.equal(out[3], "            evidence: os.system('id')");
  assert.ok(out.includes("clean       safetensors  models/clean.safetensors"));
  assert.ok(out.includes("ERROR       zip          models/packed.zip  (not read to its end)"));
});

test("every severity is shown, and the summary line counts verdicts, severities and suppressions", () => {
  const text = renderText(sampleReport(), { color: false });
  for (const severity of ["critical", "high", "medium", "low", "info"]) assert.match(text, new RegExp(`^  ${severity} `, "m"));
  assert.equal(
    lines(text).at(-1),
    "4 artifacts: 1 malicious, 1 suspicious, 1 clean, 1 error; 7 findings: 1 critical, 1 high, 3 medium, 1 low, 1 info; 1 suppressed",
  );
});

test("a suppressed finding is marked and shows who accepted it until when", () => {
  const text = renderText(sampleReport(), { color: false });
  assert.match(text, /pickle\/unknown-class .*\[suppressed\]/);
  assert.match(text, /suppressed: Reviewed: mylib is our own package \(ml-platform, until 2027-01-31\)/);
});

test("locations read member @ offset, pickle, op and line", () => {
  assert.equal(describeLocation({ member: "archive/data.pkl", offset: 7, opcodeIndex: 3 }), "archive/data.pkl @ offset 7, op #3");
  assert.equal(describeLocation({ offset: 7, pickleIndex: 1, opcodeIndex: 0 }), "offset 7, pickle #1, op #0");
  assert.equal(describeLocation({ offset: 7, pickleIndex: 0 }), "offset 7");
  assert.equal(describeLocation({ member: "a.pkl" }), "a.pkl");
  assert.equal(describeLocation({ line: 3, column: 5 }), "line 3:5");
  assert.equal(describeLocation({ line: 3 }), "line 3");
  assert.equal(describeLocation({}), "");
});

test("no colour codes without color, colours with it", () => {
  assert.ok(!renderText(sampleReport(), { color: false }).includes(ESC));
  const coloured = renderText(sampleReport(), { color: true });
  assert.ok(coloured.includes(`${ESC}[1;31mMALICIOUS`));
  assert.ok(coloured.includes(`${ESC}[32mclean`));
  // Stripping the escapes gives back exactly the plain rendering.
  assert.equal(coloured.replace(/\u001b\[[0-9;]*m/g, ""), renderText(sampleReport(), { color: false }));
});

test("many clean artifacts are counted, not listed; --verbose lists them", () => {
  const report = sampleReport([...sampleArtifacts(), ...Array.from({ length: 30 }, (_, i) => cleanArtifact(i))]);
  const terse = renderText(report, { color: false });
  assert.ok(!terse.includes("clean-000"));
  assert.match(terse, /^31 clean artifacts not listed \(--verbose lists them\)$/m);
  assert.match(terse, /MALICIOUS/);
  const verbose = renderText(report, { color: false, verbose: true });
  assert.ok(verbose.includes("models/clean-029.safetensors"));
  assert.ok(!verbose.includes("not listed"));
});

test("a few clean artifacts are listed one line each", () => {
  const report = sampleReport([cleanArtifact(1), cleanArtifact(2)]);
  assert.deepEqual(lines(renderText(report, { color: false })), [
    "clean       safetensors  models/clean-001.safetensors",
    "clean       safetensors  models/clean-002.safetensors",
    "2 artifacts: 2 clean; no findings",
  ]);
});

test("a clean artifact with only notes collapses to one line unless verbose", () => {
  const artifact = { ...cleanArtifact(1), findings: [{ ruleId: "pickle/multiple-pickles", severity: "info" as const, message: "Two pickles.", location: {} }] };
  const report = sampleReport([artifact]);
  assert.deepEqual(lines(renderText(report, { color: false })).slice(0, 1), ["clean       safetensors  models/clean-001.safetensors  (1 note)"]);
  assert.match(renderText(report, { color: false, verbose: true }), /info {6}pickle\/multiple-pickles {2}Two pickles\./);
});

test("an empty scan says so", () => {
  assert.deepEqual(lines(renderText(sampleReport([]), { color: false })), ["No artifacts found.", "0 artifacts; no findings"]);
});

test("terminal control characters from scanned files are escaped, never emitted", () => {
  const artifacts = sampleArtifacts();
  artifacts[0]!.path = "models/\u001b[2Jevil\u202e.pt";
  artifacts[0]!.findings[0]!.evidence = "os.system('\u001b]0;pwned\u0007')\nnext";
  artifacts[0]!.findings[0]!.location.member = "a\u0085b";
  for (const color of [false, true]) {
    const text = renderText(sampleReport(artifacts), { color });
    assert.ok(!/\u001b\[2J|\u001b\]|\u0007|\u202e|\u0085/.test(text));
    assert.match(text, /models\/\\x1b\[2Jevil\\u202e\.pt/);
    assert.match(text, /\\x1b\]0;pwned\\x07'\)\\x0anext/);
    assert.match(text, /a\\x85b @ offset/);
  }
});

test("printable leaves ordinary text, including non-ASCII, alone", () => {
  assert.equal(printable("modèle 模型 — ok"), "modèle 模型 — ok");
  assert.equal(printable("tab\there"), "tab\\x09here");
});

test("long evidence is shortened in text (the JSON keeps all of it)", () => {
  const artifacts = sampleArtifacts();
  artifacts[0]!.findings[0]!.evidence = "x".repeat(450);
  const text = renderText(sampleReport(artifacts), { color: false });
  assert.match(text, new RegExp(`evidence: x{200}\\.\\.\\. \\(250 more characters\\)`));
});

test("summaryLine counts only what the summary says", () => {
  assert.equal(summaryLine(sampleReport([cleanArtifact(1)])), "1 artifact: 1 clean; no findings");
});

test("a collapsed clean line counts the notes and suppressions it hides", () => {
  const artifact = {
    ...cleanArtifact(1),
    findings: [
      { ruleId: "pickle/multiple-pickles", severity: "info" as const, message: "Two pickles.", location: {} },
      { ruleId: "pickle/unknown-class", severity: "medium" as const, message: "x", location: {}, suppressed: { reason: "ok" } },
    ],
  };
  assert.equal(lines(renderText(sampleReport([artifact]), { color: false }))[0], "clean       safetensors  models/clean-001.safetensors  (1 note, 1 suppressed)");
});
