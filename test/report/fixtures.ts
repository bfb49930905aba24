/**
 * Hand-built ScanReports for the renderer tests. `sampleReport()` covers every severity, every
 * verdict, a finding inside an archive member (one level and two levels deep), a suppressed finding,
 * a text-format location (line/column), a clean artifact and an artifact without a digest. Written by
 * hand from src/core/types.ts, not produced by a scan, so the renderers are tested independently of
 * the scanners.
 */
import type { ArtifactReport, Finding, ScanReport } from "../../src/core/types.js";
import { RULESET_VERSION } from "../../src/core/rules.js";
import { summarize } from "../../src/core/summary.js";

const SHA_A = "a".repeat(64);
const SHA_B = "0123456789abcdef".repeat(4);

export function sampleArtifacts(): ArtifactReport[] {
  return [
    {
      path: "models/checkpoint.pt",
      size: 4096,
      sha256: SHA_A,
      format: "pytorch-zip",
      verdict: "malicious",
      complete: true,
      metadata: { pickleGlobals: ["os.system", "torch._utils._rebuild_tensor_v2"] },
      members: [
        { path: "archive/data.pkl", format: "pickle", size: 812 },
        { path: "archive/version", format: "unknown", size: 2 },
        {
          path: "archive/extra/bundle.zip",
          format: "zip",
          size: 300,
          members: [{ path: "inner/payload.pkl", format: "pickle", size: 120 }],
        },
      ],
      findings: [
        {
          ruleId: "pickle/dangerous-global",
          severity: "critical",
          message: "The pickle imports os.system, which runs a shell command.",
          location: { member: "archive/data.pkl", offset: 118, opcodeIndex: 12, pickleIndex: 0 },
          evidence: "os.system('id')",
        },
        {
          ruleId: "pickle/unsafe-call",
          severity: "high",
          message: "The pickle calls builtins.getattr, which is not on the allowlist.",
          location: { member: "archive/extra/bundle.zip/inner/payload.pkl", offset: 40, opcodeIndex: 7 },
          evidence: "builtins.getattr(x, 'y')",
        },
        {
          ruleId: "zip/crc-mismatch",
          severity: "medium",
          message: "Member archive/version does not match its CRC-32.",
          location: { member: "archive/version" },
        },
      ],
    },
    {
      path: "models/clean.safetensors",
      size: 1024,
      sha256: SHA_B,
      format: "safetensors",
      verdict: "clean",
      complete: true,
      metadata: { tensors: 3 },
      findings: [],
    },
    {
      path: "models/legacy.bin",
      size: 2048,
      format: "pickle",
      verdict: "suspicious",
      complete: true,
      metadata: {},
      findings: [
        {
          ruleId: "pickle/unknown-class",
          severity: "medium",
          message: "The pickle reconstructs collections.OrderedDict subclass mylib.Config.",
          location: { offset: 2, opcodeIndex: 1 },
          evidence: "mylib.Config",
          suppressed: { reason: "Reviewed: mylib is our own package", owner: "ml-platform", expires: "2027-01-31" },
        },
        {
          ruleId: "pickle/unknown-class",
          severity: "medium",
          message: "The pickle reconstructs an object of class thirdparty.Widget.",
          location: { offset: 40, opcodeIndex: 9 },
          evidence: "thirdparty.Widget",
        },
        {
          ruleId: "pickle/trailing-data",
          severity: "low",
          message: "12 bytes follow the STOP opcode.",
          location: { offset: 2036 },
        },
        {
          ruleId: "pickle/multiple-pickles",
          severity: "info",
          message: "The file holds 2 pickles.",
          location: { line: 3, column: 5 },
        },
      ],
    },
    {
      path: "models/packed.zip",
      size: 10,
      sha256: SHA_A,
      format: "zip",
      verdict: "error",
      complete: false,
      metadata: {},
      findings: [
        {
          ruleId: "zip/unsupported-compression",
          severity: "medium",
          message: "A member uses compression method 99, which Vouch does not decode.",
          location: { offset: 9 },
        },
      ],
    },
  ];
}

export function sampleReport(artifacts: ArtifactReport[] = sampleArtifacts()): ScanReport {
  return {
    schemaVersion: "1.0.0",
    rulesetVersion: RULESET_VERSION,
    tool: { name: "vouch", version: "0.1.0" },
    generatedAt: "2026-01-31T00:00:00.000Z",
    targets: ["models"],
    artifacts,
    summary: summarize(artifacts),
  };
}

/** A clean artifact named `models/clean-N.safetensors`, for tests about many clean files. */
export function cleanArtifact(n: number): ArtifactReport {
  return {
    path: `models/clean-${String(n).padStart(3, "0")}.safetensors`,
    size: 100 + n,
    format: "safetensors",
    verdict: "clean",
    complete: true,
    metadata: {},
    findings: [],
  };
}

export function allFindings(report: ScanReport): Finding[] {
  return report.artifacts.flatMap((a) => a.findings);
}
