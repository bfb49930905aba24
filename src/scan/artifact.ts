/**
 * Scanning one file: sniff its content, hand it to its format's handler, recurse into members of
 * containers with depth and count budgets, and hash it on the same read pass. Nothing here knows a
 * particular format: formats are reached only through the registry.
 */
import { createHash, type Hash } from "node:crypto";
import { dirname } from "node:path";
import { BudgetExceeded, VouchError } from "../core/errors.js";
import { rule } from "../core/rules.js";
import { FileSource, type ByteSource } from "../core/source.js";
import type { ArtifactReport, Finding, MemberReport } from "../core/types.js";
import { HANDLERS, handlerById, sniff } from "../formats/registry.js";
import { HEAD_BYTES, type FormatHandler, type ReportInput, type ScanContext } from "../formats/types.js";
import { claimsModelFormat, extensionMismatch } from "./extensions.js";
import { OFFLOAD_MIN_BYTES, hashFileOffThread } from "./hash-pool.js";
import type { ScanSettings } from "./settings.js";
import { compareFindings, deriveVerdict } from "./verdict.js";

/** Formats that members may be given without sniffing: recorded, not scanned. */
const OPAQUE_FORMATS = new Set(["raw-tensor-data"]);

/**
 * Scans the file at `absPath`, reported under `path` (POSIX, relative to the scan target).
 * `offloadHash`: hash large random-access files on a worker thread. Worth it when other files are
 * scanned at the same time (both cores busy); for a lone file, hashing on this thread alongside the
 * parse avoids the thread's start-up and is as fast.
 */
export async function scanFile(absPath: string, path: string, settings: ScanSettings, offloadHash = true): Promise<ArtifactReport> {
  const run = new ArtifactRun(path, settings, absPath);
  let source: FileSource | undefined;
  let size = 0;
  let sha256: string | undefined;
  let root: MemberReport = { path, format: "unknown" };
  try {
    source = await FileSource.open(absPath);
    size = source.size;
    const src = source;
    const digest = settings.digest ? new HashingSource(src) : undefined;
    let offloaded: Promise<string> | undefined;
    root = await run.scanNode(path, digest ?? src, 0, "", undefined, (h) => {
      // Random-access handlers do not stream the file: hash it alongside, on another core when large.
      if (!digest || (h && h.access === "stream")) return;
      if (offloadHash && src.size >= OFFLOAD_MIN_BYTES) {
        digest.stopTapping();
        offloaded = hashFileOffThread(absPath);
        offloaded.catch(() => undefined); // awaited below; avoid an unhandled rejection meanwhile
      } else digest.startFullPass();
    });
    if (digest) sha256 = offloaded ? await offloaded : await digest.finish();
  } catch (e) {
    run.add({ ruleId: "scan/read-error", message: `Could not read the file: ${e instanceof Error ? e.message : String(e)}` }, "");
  } finally {
    run.dispose();
    await source?.close();
  }
  const findings = run.findings.sort(compareFindings);
  const report: ArtifactReport = {
    path,
    size,
    ...(sha256 !== undefined ? { sha256 } : {}),
    format: root.format,
    verdict: "clean",
    complete: run.complete,
    metadata: root.metadata ?? {},
    ...(root.members && root.members.length > 0 ? { members: root.members } : {}),
    findings,
  };
  report.verdict = deriveVerdict(report);
  return report;
}

/** The state of one artifact's scan: findings, completeness, budgets shared by all its members. */
class ArtifactRun {
  readonly findings: Finding[] = [];
  complete = true;
  private members = 0;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;

  /** `absPath`: the file on disk; its folder is given to depth-0 handlers as `ScanContext.artifactDir`. */
  constructor(readonly path: string, readonly settings: ScanSettings, readonly absPath?: string) {
    this.timer = setTimeout(() => this.controller.abort(), settings.budgets.artifactSeconds * 1000);
    this.timer.unref();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  dispose(): void {
    clearTimeout(this.timer);
    if (this.signal.aborted) {
      this.add({ ruleId: "scan/budget-exceeded", message: `The scan took longer than ${this.settings.budgets.artifactSeconds} s and was stopped` }, "");
    }
  }

  add(input: ReportInput, memberPath: string): void {
    const r = rule(input.ruleId);
    const location = { ...(input.location ?? {}) };
    if (location.member === undefined && memberPath) location.member = memberPath;
    this.findings.push({
      ruleId: r.id,
      severity: input.severity ?? r.severity,
      message: input.message,
      location,
      ...(input.evidence !== undefined ? { evidence: input.evidence } : {}),
    });
    if (r.incomplete) this.complete = false;
  }

  /**
   * Sniffs and scans one node (the artifact itself at depth 0, else a container member).
   * `onHandler` learns the chosen handler before scanning starts (the digest needs to know).
   */
  async scanNode(
    name: string,
    source: ByteSource,
    depth: number,
    memberPath: string,
    format: string | undefined,
    onHandler?: (h: FormatHandler | undefined) => void,
  ): Promise<MemberReport> {
    const node: MemberReport = { path: name, format: format ?? "unknown", ...(source.sizeKnown === false ? {} : { size: source.size }) };
    if (format && OPAQUE_FORMATS.has(format)) {
      onHandler?.(undefined);
      return node;
    }
    const head = await source.read(0, HEAD_BYTES);
    const handler = format ? handlerById(format) : sniff({ head, size: source.size, name });
    onHandler?.(handler);
    if (!handler) {
      if (depth === 0 && head.length > 0 && (await this.claimedAsCompanion(node))) return node;
      this.unrecognized(node, head, name, memberPath);
      return node;
    }
    node.format = handler.id;
    const ctx = this.context(node, memberPath, depth);
    try {
      const refined = await handler.scan(source, ctx);
      if (refined) node.format = refined;
    } catch (e) {
      this.handlerFailed(e, memberPath);
    }
    if (depth === 0) this.checkName(name, node.format);
    return node;
  }

  private context(node: MemberReport, memberPath: string, depth: number): ScanContext {
    const run = this;
    return {
      artifactPath: this.path,
      ...(depth === 0 && this.absPath !== undefined ? { artifactDir: dirname(this.absPath) } : {}),
      memberPath,
      depth,
      settings: this.settings,
      signal: this.signal,
      report: (input) => run.add(input, memberPath),
      setMetadata: (key, value) => {
        (node.metadata ??= {})[key] = value;
      },
      markIncomplete: () => {
        run.complete = false;
      },
      async scanMember(name, source, opts) {
        const child = memberPath ? `${memberPath}/${name}` : name;
        let report: MemberReport;
        if (depth + 1 > run.settings.budgets.maxDepth) {
          run.add({ ruleId: "scan/budget-exceeded", message: `Containers nest deeper than ${run.settings.budgets.maxDepth} levels; ${child} was not scanned` }, memberPath);
          report = { path: name, format: "unscanned" };
        } else if (++run.members > run.settings.budgets.maxMembers) {
          if (run.members === run.settings.budgets.maxMembers + 1) {
            run.add({ ruleId: "scan/budget-exceeded", message: `More than ${run.settings.budgets.maxMembers} members; the rest were not scanned` }, memberPath);
          }
          report = { path: name, format: "unscanned" };
        } else {
          report = await run.scanNode(name, source, depth + 1, child, opts?.format);
        }
        (node.members ??= []).push(report);
        return report;
      },
    };
  }

  /**
   * A file no format recognises may still be a data file a model beside it names (ONNX external
   * data): a format that claims it gives its format, and the file is recorded, not judged. Only
   * unrecognised content is asked about, so a payload that some scanner recognises is never hidden.
   */
  private async claimedAsCompanion(node: MemberReport): Promise<boolean> {
    if (this.absPath === undefined) return false;
    for (const h of HANDLERS) {
      const claim = await h.claimCompanion?.(this.absPath, this.signal);
      if (!claim) continue;
      node.format = claim.format;
      node.metadata = { claimedBy: claim.claimedBy };
      return true;
    }
    return false;
  }

  private unrecognized(node: MemberReport, head: Uint8Array, name: string, memberPath: string): void {
    if (head.length === 0) {
      node.format = "empty";
      if (claimsModelFormat(name)) this.add({ ruleId: "format/empty", message: `${name} is empty` }, memberPath);
      return;
    }
    if (claimsModelFormat(name)) {
      this.add({ ruleId: "format/unrecognized-model", message: `${name} is named like a model file but its content matches no known format` }, memberPath);
    } else {
      this.add({ ruleId: "format/unrecognized", message: `No scanner recognises the content of ${name}` }, memberPath);
    }
  }

  private handlerFailed(e: unknown, memberPath: string): void {
    if (e instanceof BudgetExceeded) {
      this.add({ ruleId: "scan/budget-exceeded", message: e.message, location: { offset: e.offset } }, memberPath);
    } else if (e instanceof VouchError) {
      this.add({ ruleId: "format/malformed", message: e.describe(), location: e.offset !== undefined ? { offset: e.offset } : {} }, memberPath);
    } else {
      // a bug in a handler must not pass a file: report it as unreadable (fails closed)
      this.add({ ruleId: "format/malformed", message: `Internal error while parsing: ${e instanceof Error ? e.message : String(e)}` }, memberPath);
    }
  }

  private checkName(name: string, format: string): void {
    const mm = extensionMismatch(name, format);
    if (!mm) return;
    this.add({
      ruleId: "format/extension-mismatch",
      severity: mm.severity,
      message: `The name suggests ${mm.expected.join(" or ")} but the content is ${format}${mm.severity === "high" ? ": a loader chosen by extension would unpickle it" : ""}`,
    }, "");
  }
}

/**
 * A pass-through source that hashes the bytes a stream handler reads front to back, so the file is
 * read once. `finish()` hashes whatever the handler did not read; `startFullPass()` hashes the whole
 * file concurrently for handlers that use positioned reads.
 */
class HashingSource implements ByteSource {
  private readonly hash: Hash = createHash("sha256");
  private hashed = 0;
  private tapping = false;
  private fullPass: Promise<void> | undefined;
  private tapOff = false;

  constructor(private readonly inner: ByteSource) {}

  get size(): number {
    return this.inner.size;
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    return this.inner.read(offset, length);
  }

  async *stream(start = 0, end = this.inner.size): AsyncIterable<Uint8Array> {
    const tap = !this.tapOff && !this.tapping && !this.fullPass && start === this.hashed;
    if (!tap) {
      yield* this.inner.stream(start, end);
      return;
    }
    this.tapping = true;
    try {
      for await (const chunk of this.inner.stream(start, end)) {
        this.hash.update(chunk);
        this.hashed += chunk.length;
        yield chunk;
      }
    } finally {
      this.tapping = false;
    }
  }

  /** The digest comes from elsewhere (a worker thread): pass reads through untouched. */
  stopTapping(): void {
    this.tapOff = true;
  }

  startFullPass(): void {
    this.fullPass ??= this.hashRest();
  }

  private async hashRest(): Promise<void> {
    for await (const chunk of this.inner.stream(this.hashed, this.inner.size)) {
      this.hash.update(chunk);
      this.hashed += chunk.length;
    }
  }

  async finish(): Promise<string> {
    await (this.fullPass ?? this.hashRest());
    return this.hash.digest("hex");
  }
}
