/**
 * The contract between the orchestrator and a format. A format is a folder with a handler: a sniff
 * function that decides from content whether the bytes are this format, and a scan function that
 * reports findings and metadata. The orchestrator knows formats only through `formats/registry.ts`.
 */
import type { ByteSource } from "../core/source.js";
import type { Finding, Location, MemberReport, Severity } from "../core/types.js";
import type { ScanSettings } from "../scan/settings.js";

export interface SniffInput {
  /** The first bytes of the artifact (up to HEAD_BYTES; fewer for small files). */
  head: Uint8Array;
  /** Total size in bytes. */
  size: number;
  /** The artifact's file or member name: never used to decide the format, only to break ties and report mismatches. */
  name: string;
}

export const HEAD_BYTES = 4096;

export interface ReportInput {
  ruleId: string;
  message: string;
  /** Defaults to the rule's severity. */
  severity?: Severity;
  evidence?: string;
  location?: Location;
}

export interface ScanContext {
  /** Artifact path relative to the scan root (for messages and errors). */
  readonly artifactPath: string;
  /**
   * Absolute path of the folder holding the artifact on disk. Set for the artifact itself (depth 0)
   * when it is a file; absent for container members and in-memory sources. Formats that name
   * companion files relative to the model (ONNX external data) check them there, and only there.
   */
  readonly artifactDir?: string;
  /** Member path inside the artifact (`""` for the artifact itself); findings are located under it. */
  readonly memberPath: string;
  /** Container nesting depth (0 for the artifact itself). */
  readonly depth: number;
  readonly settings: ScanSettings;
  /** Adds a finding; its location's `member` defaults to this context's member path. */
  report(input: ReportInput): void;
  /** Records format metadata (tensor counts, dtypes, globals...) for the current artifact or member. */
  setMetadata(key: string, value: unknown): void;
  /** Marks the artifact as not read to its end (truncated, malformed, budget). */
  markIncomplete(): void;
  /** Scans a nested member through sniff -> handler, with depth and size budgets. Returns its report. */
  scanMember(name: string, source: ByteSource, opts?: { format?: string }): Promise<MemberReport>;
  /** Aborted when the scan's time budget runs out; long loops check it. */
  readonly signal: AbortSignal;
}

export interface FormatHandler {
  /** Format id as reported (`pickle`, `pytorch-zip`, ...). A handler may report a more specific id via `refine`. */
  readonly id: string;
  /**
   * Returns a confidence (0 = not this format, 1..100 higher is surer) from content alone. The handler
   * with the highest confidence wins; ties go to registry order.
   */
  sniff(input: SniffInput): number;
  /**
   * Scans the source. Malformed input is reported as findings (or thrown as VouchError, which the
   * orchestrator turns into a `format/malformed` finding). Returns the refined format id when the
   * handler learned more (a zip that is really a PyTorch checkpoint), else undefined.
   */
  scan(source: ByteSource, ctx: ScanContext): Promise<string | void>;
  /**
   * `stream` handlers read the source once, front to back, through `source.stream()`; the orchestrator
   * hashes those bytes on the way. `random` handlers use positioned reads; the orchestrator hashes the
   * file in parallel.
   */
  readonly access: "stream" | "random";
  /**
   * Optional, for formats whose models name data files beside them (ONNX external data): asked about
   * a file on disk whose content matched no format. Returns the format to report it as when a model of
   * this format lists it, with that model's path relative to the file's folder; undefined otherwise.
   */
  claimCompanion?(absPath: string, signal: AbortSignal): Promise<{ format: string; claimedBy: string } | undefined>;
}

export type { Finding };
