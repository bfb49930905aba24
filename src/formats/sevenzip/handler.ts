/**
 * The 7z format handler. 7z has no streaming layout worth reimplementing (solid blocks, a dozen
 * coders, encrypted headers), so the real 7-Zip does the reading, in WebAssembly, in memory:
 *
 *   read the archive (under a size cap) -> list it -> check names, encryption, count and declared
 *   total size -> extract within the size budget -> check links -> scan every extracted file as a member.
 *
 * A 7z bomb ends at the listing (declared sizes over the budget) or, if its headers lie, at the write
 * cap during extraction; either way with a finding. Members are scanned in path order.
 */
import { readCapped } from "../common.js";
import { VouchError } from "../../core/errors.js";
import { BufferSource, type ByteSource } from "../../core/source.js";
import { LinkTracker, nameEscapes } from "../tar/paths.js";
import type { FormatHandler, ReportInput, ScanContext, SniffInput } from "../types.js";
import { OUT_DIR, SevenZipSession, type RunResult } from "./engine.js";
import { ListingParser, type SevenZipEntry, type SevenZipListing } from "./listing.js";

/** `7z\xBC\xAF\x27\x1C`: the signature header's magic. */
const MAGIC = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c];

/**
 * The largest archive read into memory for 7-Zip, and the most it may expand to there. Both live in
 * this process's memory at once (plus one member being scanned), hence caps well below the machine's.
 */
export const SEVENZIP_LIMITS = { archiveBytes: 512 * 1024 ** 2, expandedBytes: 1024 ** 3 };

/** The ids of 7-Zip's AES coder (06 F1 07 01): present in the header area when headers are encrypted. */
const AES_CODER = [0x06, 0xf1, 0x07, 0x01];

export const sevenZipHandler: FormatHandler = {
  id: "7z",
  access: "stream",
  sniff: sniffSevenZip,
  scan: scanSevenZip,
};

export function sniffSevenZip({ head }: SniffInput): number {
  return head.length >= MAGIC.length && MAGIC.every((b, i) => head[i] === b) ? 90 : 0;
}

async function scanSevenZip(source: ByteSource, ctx: ScanContext): Promise<void> {
  const bytes = await readCapped(source, SEVENZIP_LIMITS.archiveBytes, ctx.signal);
  if (!bytes) return notExpanded(ctx, source);
  const session = await SevenZipSession.open(bytes);
  const listing = listArchive(session, bytes, ctx);
  if (!listing) return;
  ctx.setMetadata("7z", summarize(listing));
  const refused = checkEntries(listing, ctx);
  if (!withinBudgets(listing, ctx)) return;
  const run = session.extract(expansionCap(ctx));
  reportRefusedLinks(run, refused, ctx);
  if (session.overCap) reportOverCap(session, ctx);
  await scanExtracted(session, ctx);
  failOnExtractionErrors(run, session, listing);
}


function notExpanded(ctx: ScanContext, source: ByteSource): void {
  ctx.report({
    ruleId: "archive/not-expanded",
    message: `The 7z archive is larger than ${SEVENZIP_LIMITS.archiveBytes} bytes, the most that is expanded in memory; its members were not scanned`,
    evidence: source.sizeKnown === false ? `more than ${SEVENZIP_LIMITS.archiveBytes} bytes` : `${source.size} bytes`,
  });
}

/**
 * Lists the archive. An unlistable archive is either encrypted throughout (headers too: reported as
 * such) or broken (thrown, for the orchestrator to report as malformed).
 */
function listArchive(session: SevenZipSession, bytes: Uint8Array, ctx: ScanContext): SevenZipListing | undefined {
  const parser = new ListingParser(ctx.settings.budgets.maxMembers);
  const run = session.list((line) => parser.line(line));
  if (run.exit === 0 || run.exit === 1) return parser.finish(); // 1: warnings only
  if (headersEncrypted(bytes, run)) {
    ctx.report({
      ruleId: "archive/encrypted",
      message: "The 7z archive's headers are encrypted: neither its member names nor their content could be read",
      evidence: run.errors.slice(0, 3).join(" | ") || "encrypted header",
    });
    return undefined;
  }
  throw new VouchError("E_7Z_UNREADABLE", `7-Zip cannot open the archive (${describeRun(run)})`, {
    offset: 0,
    hint: "The archive is corrupt or truncated; nothing in it was scanned",
  });
}

/**
 * Encrypted headers: 7-Zip says so, or (when it fails without a word) the header area, which sits at
 * the end of the archive, names the AES coder.
 */
function headersEncrypted(bytes: Uint8Array, run: RunResult): boolean {
  if (run.errors.some((l) => /encrypted|wrong password/i.test(l))) return true;
  const headerStart = nextHeaderOffset(bytes);
  if (headerStart === undefined) return false;
  const area = bytes.subarray(headerStart);
  for (let i = 0; i + AES_CODER.length <= area.length; i++) {
    if (AES_CODER.every((b, j) => area[i + j] === b)) return true;
  }
  return false;
}

/** Where the signature header says the next header starts (32 + NextHeaderOffset), when it is in range. */
function nextHeaderOffset(bytes: Uint8Array): number | undefined {
  if (bytes.length < 32) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offset = 32 + Number(view.getBigUint64(12, true));
  return offset < bytes.length ? offset : undefined;
}

function summarize(listing: SevenZipListing): Record<string, unknown> {
  const a = listing.archive;
  return {
    members: listing.count,
    totalSize: listing.totalSize,
    ...(a["Method"] ? { method: a["Method"] } : {}),
    ...(a["Solid"] ? { solid: a["Solid"] === "+" } : {}),
    ...(a["Blocks"] ? { blocks: Number(a["Blocks"]) } : {}),
  };
}

/**
 * Name checks and encryption, from the listing. Returns the symbolic links: 7-Zip refuses to create
 * those that leave the folder, and the extraction's errors say which.
 */
function checkEntries(listing: SevenZipListing, ctx: ScanContext): SevenZipEntry[] {
  for (const entry of listing.entries) {
    if (!nameEscapes(entry.path)) continue;
    report(ctx, {
      ruleId: "archive/path-traversal",
      message: `7z member "${entry.path}" escapes the extraction folder (absolute path or ".." segment)`,
      location: { member: entry.path },
      evidence: entry.path,
    });
  }
  const encrypted = listing.entries.filter((e) => e.encrypted);
  if (encrypted.length > 0) {
    ctx.report({
      ruleId: "archive/encrypted",
      message: `${encrypted.length} member(s) of the 7z archive are encrypted and were not scanned`,
      evidence: encrypted.slice(0, 5).map((e) => e.path).join(", "),
    });
  }
  return listing.entries.filter((e) => e.symlink);
}

/** Member count and declared total size against the budgets, before anything is expanded. */
function withinBudgets(listing: SevenZipListing, ctx: ScanContext): boolean {
  const maxMembers = ctx.settings.budgets.maxMembers;
  const cap = expansionCap(ctx);
  let why: string | undefined;
  if (listing.count > maxMembers) why = `it lists ${listing.count} members, more than ${maxMembers}`;
  else if (listing.totalSize > cap) why = `its members declare ${listing.totalSize} bytes in total, more than ${cap}`;
  if (!why) return true;
  ctx.report({
    ruleId: "scan/budget-exceeded",
    message: `The 7z archive was not expanded: ${why}`,
    evidence: `members=${listing.count} declared=${listing.totalSize} bytes`,
  });
  return false;
}

/** The most extraction may write: the scan's expansion budget, but never more than the in-memory cap. */
function expansionCap(ctx: ScanContext): number {
  return Math.min(ctx.settings.budgets.maxExpandedBytes, SEVENZIP_LIMITS.expandedBytes);
}

/**
 * 7-Zip refuses links whose target leaves the folder and says so on stderr
 * (`Dangerous link path was ignored : name : target`): each is path traversal.
 */
function reportRefusedLinks(run: RunResult, links: SevenZipEntry[], ctx: ScanContext): void {
  for (const line of run.errors) {
    const m = /Dangerous link path was ignored : (.*) : (.*)$/.exec(line);
    if (!m) continue;
    const [, name, target] = m as unknown as [string, string, string];
    const listed = links.find((l) => l.path === name)?.path ?? name;
    report(ctx, {
      ruleId: "archive/path-traversal",
      message: `7z member "${listed}" is a symbolic link to "${target}", outside the extraction folder`,
      location: { member: listed },
      evidence: `${listed} -> ${target}`,
    });
  }
}

function reportOverCap(session: SevenZipSession, ctx: ScanContext): void {
  ctx.report({
    ruleId: "scan/budget-exceeded",
    message: `The 7z archive expands to more than ${session.written} bytes although its headers declare less; extraction was stopped and only what was written was scanned`,
    evidence: `written=${session.written}`,
  });
}

/**
 * Scans every extracted file as a member, in path order, freeing each once scanned. Links that 7-Zip
 * did create are checked once more (a chain of links inside can still lead out) and not followed.
 */
async function scanExtracted(session: SevenZipSession, ctx: ScanContext): Promise<void> {
  const links = new LinkTracker();
  for (const node of walk(session)) {
    ctx.signal.throwIfAborted();
    if (node.kind === "link") {
      checkLink(node.path, node.target, links, ctx);
      continue;
    }
    if (node.kind === "special") {
      report(ctx, { ruleId: "archive/special-file", message: `7z member "${node.path}" is a device or FIFO`, location: { member: node.path } });
      continue;
    }
    const bytes = session.fs.readFile(`${OUT_DIR}/${node.path}`);
    session.fs.unlink(`${OUT_DIR}/${node.path}`);
    await ctx.scanMember(node.path, new BufferSource(bytes));
  }
}

function checkLink(path: string, target: string, links: LinkTracker, ctx: ScanContext): void {
  links.addSymlink(path, target);
  if (!links.symlinkEscapes(path, target)) return;
  report(ctx, {
    ruleId: "archive/path-traversal",
    message: `7z member "${path}" is a symbolic link to "${target}", outside the extraction folder`,
    location: { member: path },
    evidence: `${path} -> ${target}`,
  });
}

type ExtractedNode = { kind: "file" | "special"; path: string } | { kind: "link"; path: string; target: string };

/** The extracted tree, depth first in name order, with paths relative to OUT_DIR. Links are not followed. */
function walk(session: SevenZipSession): ExtractedNode[] {
  const fs = session.fs;
  const out: ExtractedNode[] = [];
  const pending = [""];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let names: string[];
    try {
      names = fs.readdir(`${OUT_DIR}${dir ? `/${dir}` : ""}`);
    } catch {
      continue; // nothing was extracted (the folder does not exist)
    }
    const children = names.filter((n) => n !== "." && n !== "..").sort().reverse();
    for (const name of children) {
      const rel = dir ? `${dir}/${name}` : name;
      const mode = fs.lstat(`${OUT_DIR}/${rel}`).mode;
      if (fs.isDir(mode)) pending.push(rel);
      else if (fs.isLink(mode)) out.push({ kind: "link", path: rel, target: fs.readlink(`${OUT_DIR}/${rel}`) });
      else if (fs.isFile(mode)) out.push({ kind: "file", path: rel });
      else out.push({ kind: "special", path: rel });
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Extraction errors other than the ones already reported (wrong password on encrypted members,
 * refused links, the write cap) mean corrupt data: thrown after the scan, so what was extracted was
 * still scanned.
 */
function failOnExtractionErrors(run: RunResult, session: SevenZipSession, listing: SevenZipListing): void {
  if (run.exit === 0 || session.overCap) return;
  const encrypted = listing.entries.some((e) => e.encrypted);
  const unexplained = run.errors.filter(
    (l) =>
      /error/i.test(l) &&
      !/^(Sub items Errors|Archives with Errors|Errors):/i.test(l) &&
      !/Dangerous link path was ignored/.test(l) &&
      !(encrypted && /wrong password/i.test(l)),
  );
  if (run.exit !== "crashed" && unexplained.length === 0) return;
  throw new VouchError("E_7Z_EXTRACT", `7-Zip could not extract every member (${describeRun({ ...run, errors: unexplained })})`, {
    hint: "The archive's data is corrupt or truncated; members extracted before the damage were scanned",
  });
}

function describeRun(run: RunResult): string {
  const exit = run.exit === "crashed" ? "7-Zip stopped with an internal error" : `exit code ${run.exit}`;
  const detail = run.errors.filter((l) => !/^(ERRORS|WARNINGS):?$/i.test(l)).slice(0, 3).join(" | ");
  return detail ? `${exit}: ${detail}` : exit;
}

/** ctx.report, with member names made relative to the artifact (prefixed with this archive's own member path). */
function report(ctx: ScanContext, input: ReportInput): void {
  const member = input.location?.member;
  if (member === undefined || !ctx.memberPath) return ctx.report(input);
  ctx.report({ ...input, location: { ...input.location, member: `${ctx.memberPath}/${member}` } });
}
