/**
 * The text rendering, for people at a terminal: one line per artifact (verdict, format, path), its
 * findings under it, and a summary line. Clean artifacts collapse to one line each, and when there are
 * many they are counted instead of listed, so the problems are what fills the screen (`verbose` lists
 * and expands everything).
 *
 * Every string that came out of a scanned file (paths, member names, evidence, messages quoting them)
 * goes through `printable` first: a hostile model file must not be able to move the cursor, recolour
 * the terminal or reorder text with bidi controls when someone scans it.
 */
import type { ArtifactReport, Finding, Location, ScanReport, Severity, Verdict } from "../core/types.js";
import { SEVERITIES } from "../core/types.js";

export interface TextOptions {
  /** Emit ANSI colours. The caller decides (TTY and NO_COLOR); the renderer never looks at the environment. */
  color: boolean;
  /** List every artifact, and show the findings of clean ones. */
  verbose?: boolean;
  /** Up to this many clean artifacts are listed one per line; more are counted (default 20). */
  maxCleanListed?: number;
}

export const DEFAULT_MAX_CLEAN_LISTED = 20;

/** Longest evidence shown in full; the JSON and SARIF outputs always carry all of it. */
const MAX_EVIDENCE = 200;

const VERDICTS: readonly Verdict[] = ["malicious", "suspicious", "clean", "error"];

export function renderText(report: ScanReport, options: TextOptions): string {
  const style = stylist(options.color);
  const verbose = options.verbose ?? false;
  const maxClean = options.maxCleanListed ?? DEFAULT_MAX_CLEAN_LISTED;
  const quiet = report.artifacts.filter(isQuiet);
  const listQuiet = verbose || quiet.length <= maxClean;
  const shown = report.artifacts.filter((a) => listQuiet || !isQuiet(a));
  const formatWidth = Math.max(0, ...shown.map((a) => printable(a.format).length));

  const lines: string[] = [];
  for (const artifact of shown) {
    lines.push(artifactLine(artifact, formatWidth, style, verbose));
    if (verbose || !isQuiet(artifact)) lines.push(...artifact.findings.flatMap((f) => findingLines(f, style)));
  }
  if (!listQuiet) lines.push(style.dim(`${quiet.length} clean artifacts not listed (--verbose lists them)`));
  if (report.artifacts.length === 0) lines.push("No artifacts found.");
  lines.push(summaryLine(report, style));
  return `${lines.join("\n")}\n`;
}

/** Clean, and nothing in it that needs a person's attention: only notes, or findings already accepted. */
function isQuiet(artifact: ArtifactReport): boolean {
  return artifact.verdict === "clean" && artifact.findings.every((f) => f.suppressed !== undefined || f.severity === "info");
}

function artifactLine(artifact: ArtifactReport, formatWidth: number, style: Stylist, verbose: boolean): string {
  const label = artifact.verdict === "clean" ? "clean" : artifact.verdict.toUpperCase();
  const verdict = style.verdict(artifact.verdict, label.padEnd(10));
  const format = printable(artifact.format).padEnd(formatWidth);
  const collapsed = !verbose && isQuiet(artifact) ? collapsedCounts(artifact) : "";
  const incomplete = artifact.complete ? "" : "not read to its end";
  const remarks = [incomplete, collapsed].filter(Boolean).map((r) => style.dim(`  (${r})`)).join("");
  return `${verdict}  ${format}  ${printable(artifact.path)}${remarks}`;
}

/** What a collapsed line hides: `2 notes, 1 suppressed`, or nothing. */
function collapsedCounts(artifact: ArtifactReport): string {
  const suppressed = artifact.findings.filter((f) => f.suppressed).length;
  const notes = artifact.findings.length - suppressed;
  return [notes > 0 ? plural(notes, "note") : "", suppressed > 0 ? `${suppressed} suppressed` : ""].filter(Boolean).join(", ");
}

const FINDING_INDENT = "  ";
const DETAIL_INDENT = " ".repeat(FINDING_INDENT.length + 10);

function findingLines(finding: Finding, style: Stylist): string[] {
  // A suppressed finding is dimmed as a whole; colours inside it would end the dimming early.
  const inner = finding.suppressed ? PLAIN : style;
  const severity = inner.severity(finding.severity, finding.severity.padEnd(9));
  const head = `${FINDING_INDENT}${severity} ${inner.bold(printable(finding.ruleId))}  ${printable(finding.message)}`;
  const lines = [finding.suppressed ? style.dim(`${head}  [suppressed]`) : head];
  const where = describeLocation(finding.location);
  if (where) lines.push(`${DETAIL_INDENT}at ${where}`);
  if (finding.evidence !== undefined) lines.push(`${DETAIL_INDENT}evidence: ${style.evidence(shorten(printable(finding.evidence), MAX_EVIDENCE))}`);
  if (finding.suppressed) lines.push(style.dim(`${DETAIL_INDENT}suppressed: ${describeSuppression(finding.suppressed)}`));
  return lines;
}

/** `archive/data.pkl @ offset 118, op #12`; empty when the finding has no location at all. */
export function describeLocation(loc: Location): string {
  const parts: string[] = [];
  if (loc.offset !== undefined) parts.push(`offset ${loc.offset}`);
  if (loc.pickleIndex !== undefined && loc.pickleIndex > 0) parts.push(`pickle #${loc.pickleIndex}`);
  if (loc.opcodeIndex !== undefined) parts.push(`op #${loc.opcodeIndex}`);
  if (loc.line !== undefined) parts.push(loc.column !== undefined ? `line ${loc.line}:${loc.column}` : `line ${loc.line}`);
  const member = loc.member ? printable(loc.member) : "";
  if (member && parts.length > 0) return `${member} @ ${parts.join(", ")}`;
  return member || parts.join(", ");
}

function describeSuppression(s: NonNullable<Finding["suppressed"]>): string {
  const who = [s.owner, s.expires !== undefined ? `until ${s.expires}` : undefined].filter(Boolean).map((x) => printable(x!));
  return `${printable(s.reason)}${who.length > 0 ? ` (${who.join(", ")})` : ""}`;
}

/** `4 artifacts: 1 malicious, 3 clean; 2 findings: 1 critical, 1 info; 1 suppressed` */
export function summaryLine(report: ScanReport, style: Stylist = PLAIN): string {
  const { summary } = report;
  const verdicts = VERDICTS.filter((v) => summary.verdicts[v] > 0).map((v) => style.verdict(v, `${summary.verdicts[v]} ${v}`));
  const total = SEVERITIES.reduce((n, s) => n + summary.findings[s], 0);
  const severities = SEVERITIES.filter((s) => summary.findings[s] > 0).map((s) => style.severity(s, `${summary.findings[s]} ${s}`));
  const parts = [
    `${plural(summary.artifacts, "artifact")}${verdicts.length > 0 ? `: ${verdicts.join(", ")}` : ""}`,
    total === 0 ? "no findings" : `${plural(total, "finding")}: ${severities.join(", ")}`,
  ];
  if (summary.suppressed > 0) parts.push(`${summary.suppressed} suppressed`);
  return parts.join("; ");
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length - max} more characters)`;
}

/**
 * Makes untrusted text safe to print on a terminal: C0 and C1 control characters, DEL, line and
 * paragraph separators and bidi controls are written as visible escapes (`\x1b`, `\u202e`). Newlines
 * and tabs are escaped too, so one finding stays on its lines.
 */
export function printable(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    const code = ch.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

// C0 controls, DEL and C1 controls; ALM, LRM/RLM, LS/PS, the embedding/override controls, the isolates.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Colour helpers that are the identity when colour is off, so layout code never branches on it. */
export interface Stylist {
  verdict(v: Verdict, text: string): string;
  severity(s: Severity, text: string): string;
  bold(text: string): string;
  dim(text: string): string;
  evidence(text: string): string;
}

const SGR = {
  reset: "\u001b[0m",
  bold: "\u001b[1m",
  dim: "\u001b[2m",
  red: "\u001b[31m",
  green: "\u001b[32m",
  yellow: "\u001b[33m",
  magenta: "\u001b[35m",
  cyan: "\u001b[36m",
  boldRed: "\u001b[1;31m",
};

const VERDICT_COLOUR: Record<Verdict, string> = {
  malicious: SGR.boldRed,
  suspicious: SGR.yellow,
  clean: SGR.green,
  error: SGR.magenta,
};

const SEVERITY_COLOUR: Record<Severity, string> = {
  critical: SGR.boldRed,
  high: SGR.red,
  medium: SGR.yellow,
  low: SGR.cyan,
  info: SGR.dim,
};

export function stylist(color: boolean): Stylist {
  const paint = (code: string, text: string): string => (color ? `${code}${text}${SGR.reset}` : text);
  return {
    verdict: (v, text) => paint(VERDICT_COLOUR[v], text),
    severity: (s, text) => paint(SEVERITY_COLOUR[s], text),
    bold: (text) => paint(SGR.bold, text),
    dim: (text) => paint(SGR.dim, text),
    evidence: (text) => paint(SGR.cyan, text),
  };
}

const PLAIN = stylist(false);
