/**
 * A ScanContext for unit-testing one format handler in isolation: it records findings and metadata
 * and scans members through a caller-supplied function (or records them unscanned).
 */
import { BufferSource, type ByteSource } from "../../src/core/source.js";
import type { Finding, MemberReport } from "../../src/core/types.js";
import { rule } from "../../src/core/rules.js";
import type { FormatHandler, ReportInput, ScanContext } from "../../src/formats/types.js";
import { defaultSettings, type ScanSettings } from "../../src/scan/settings.js";

export interface TestContext extends ScanContext {
  findings: Finding[];
  metadata: Record<string, unknown>;
  incomplete: boolean;
  members: { name: string; source: ByteSource; format?: string }[];
}

export function makeTestContext(
  opts: {
    settings?: Partial<ScanSettings>;
    memberPath?: string;
    onMember?: (name: string, source: ByteSource, format?: string) => Promise<MemberReport>;
  } = {},
): TestContext {
  const ctx: TestContext = {
    artifactPath: "test-artifact",
    memberPath: opts.memberPath ?? "",
    depth: 0,
    settings: defaultSettings(opts.settings ?? {}),
    signal: new AbortController().signal,
    findings: [],
    metadata: {},
    incomplete: false,
    members: [],
    report(input: ReportInput) {
      const r = rule(input.ruleId);
      const location = { ...(input.location ?? {}) };
      if (location.member === undefined && ctx.memberPath) location.member = ctx.memberPath;
      ctx.findings.push({
        ruleId: input.ruleId,
        severity: input.severity ?? r.severity,
        message: input.message,
        location,
        ...(input.evidence !== undefined ? { evidence: input.evidence } : {}),
      });
      if (r.incomplete) ctx.incomplete = true;
    },
    setMetadata(key, value) {
      ctx.metadata[key] = value;
    },
    markIncomplete() {
      ctx.incomplete = true;
    },
    async scanMember(name, source, o) {
      ctx.members.push({ name, source, format: o?.format });
      if (opts.onMember) return opts.onMember(name, source, o?.format);
      return { path: name, format: o?.format ?? "unscanned", size: source.size };
    },
  };
  return ctx;
}

export interface HandlerRun {
  ctx: TestContext;
  /** What the handler threw (a VouchError, or anything else), if it threw. */
  error?: unknown;
}

/** Runs one handler on bytes (or a source) in a fresh test context, capturing a throw instead of propagating it. */
export async function runHandler(handler: FormatHandler, input: Uint8Array | ByteSource): Promise<HandlerRun> {
  const ctx = makeTestContext();
  const source = input instanceof Uint8Array ? new BufferSource(input) : input;
  try {
    await handler.scan(source, ctx);
    return { ctx };
  } catch (error) {
    return { ctx, error };
  }
}
