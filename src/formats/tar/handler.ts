/**
 * The tar format handler. It reads the archive once, front to back, and for each entry:
 *
 *   check the name and link target -> flag devices and FIFOs -> charge the budgets
 *   -> scan the entry's bytes as a member (sniffed like any file) while the archive streams by.
 *
 * At the end it records the member count and total size and recognises the legacy PyTorch tar
 * layout. A broken archive is reported after the entries before the break have been scanned.
 */
import type { VouchError } from "../../core/errors.js";
import type { ByteSource } from "../../core/source.js";
import type { FormatHandler, ReportInput, ScanContext } from "../types.js";
import { isPytorchLegacyTar } from "./legacy.js";
import { TarMemberSource } from "./member.js";
import { LinkTracker, nameEscapes } from "./paths.js";
import { readTar, type TarEntry, type VisitResult } from "./reader.js";
import { BLOCK, sniffTar } from "./sniff.js";

export const tarHandler: FormatHandler = {
  id: "tar",
  access: "stream",
  sniff: sniffTar,
  scan: scanTar,
};

async function scanTar(source: ByteSource, ctx: ScanContext): Promise<string | undefined> {
  const run = new TarRun(source, ctx);
  const result = await readTar(source.stream(), (entry, content) => run.visit(entry, content), ctx.signal);
  ctx.setMetadata("tar", { members: result.entries, totalSize: run.totalSize });
  if (result.stoppedEarly) ctx.markIncomplete();
  if (result.failure) await endOrFail(source, ctx, result.failure);
  return isPytorchLegacyTar(run.names) ? "pytorch-legacy-tar" : undefined;
}

/** The state of one archive's scan: budgets charged so far, links seen, member names. */
class TarRun {
  /** Sum of the declared sizes of the regular entries scanned. */
  totalSize = 0;
  readonly names: string[] = [];
  private readonly links = new LinkTracker();

  constructor(private readonly archive: ByteSource, private readonly ctx: ScanContext) {}

  async visit(entry: TarEntry, content: AsyncIterable<Uint8Array>): Promise<VisitResult> {
    if (entry.index >= this.ctx.settings.budgets.maxMembers) return this.overBudget(entry, `more than ${this.ctx.settings.budgets.maxMembers} entries`);
    this.names.push(entry.name);
    this.checkPlacement(entry);
    switch (entry.type) {
      case "directory":
        return "continue";
      case "symlink":
        this.links.addSymlink(entry.name, entry.linkname ?? "");
        return "continue";
      case "link":
        return "continue";
      case "character-device":
      case "block-device":
      case "fifo":
        this.reportSpecial(entry);
        return "continue";
      default:
        return this.scanContent(entry, content);
    }
  }

  /** Scans a regular entry's bytes as a member, within the archive's expansion budget. */
  private async scanContent(entry: TarEntry, content: AsyncIterable<Uint8Array>): Promise<VisitResult> {
    const budget = this.ctx.settings.budgets.maxExpandedBytes;
    if (this.totalSize + entry.size > budget) return this.overBudget(entry, `the entries' total size (${this.totalSize + entry.size} bytes) exceeds ${budget}`);
    this.totalSize += entry.size;
    this.links.replaceWithFile(entry.name);
    const member = new TarMemberSource(this.archive, entry.dataOffset, entry.size, content);
    await this.ctx.scanMember(entry.name, member);
    await member.drain();
    return "continue";
  }

  /**
   * Path traversal: the name itself, a link's target, or a name that passes through an earlier link
   * leading outside. One finding per entry, naming the first reason that applies.
   */
  private checkPlacement(entry: TarEntry): void {
    const reason = this.escapeReason(entry);
    if (!reason) return;
    report(this.ctx, {
      ruleId: "archive/path-traversal",
      message: `tar entry "${entry.name}" ${reason}`,
      location: { member: entry.name, offset: entry.headerOffset },
      evidence: entry.linkname !== undefined ? `${entry.name} -> ${entry.linkname}` : entry.name,
    });
  }

  private escapeReason(entry: TarEntry): string | undefined {
    if (nameEscapes(entry.name)) return "escapes the extraction folder (absolute path or \"..\" segment)";
    if (entry.type === "symlink" && this.links.symlinkEscapes(entry.name, entry.linkname ?? "")) {
      return `is a symbolic link to "${entry.linkname}", outside the extraction folder`;
    }
    if (entry.type === "link" && this.links.hardlinkEscapes(entry.linkname ?? "")) {
      return `is a hard link to "${entry.linkname}", outside the extraction folder`;
    }
    if (this.links.writesThroughLink(entry.name)) return "is written through a symbolic link that leads outside the extraction folder";
    return undefined;
  }

  private reportSpecial(entry: TarEntry): void {
    const what = entry.type === "fifo" ? "a FIFO" : `a ${entry.type.replace("-", " ")} (${entry.devmajor}:${entry.devminor})`;
    report(this.ctx, {
      ruleId: "archive/special-file",
      message: `tar entry "${entry.name}" is ${what}`,
      location: { member: entry.name, offset: entry.headerOffset },
      evidence: `${entry.type} ${entry.devmajor}:${entry.devminor}`,
    });
  }

  private overBudget(entry: TarEntry, why: string): VisitResult {
    report(this.ctx, {
      ruleId: "scan/budget-exceeded",
      message: `The tar archive was not read to its end: ${why}; entries from "${entry.name}" on were not scanned`,
      location: { offset: entry.headerOffset },
      evidence: `entry ${entry.index} at offset ${entry.headerOffset}`,
    });
    return "stop";
  }
}

/**
 * A header that fails right after two zero blocks is not a broken archive: the archive ended at the
 * end-of-archive marker, which extractors honour, and what follows is trailing data. Anything else
 * is a break, thrown for the orchestrator to report as malformed.
 */
async function endOrFail(source: ByteSource, ctx: ScanContext, failure: VouchError): Promise<void> {
  const at = failure.offset;
  if (failure.code === "E_TAR_HEADER" && at !== undefined && (await endMarkerAt(source, at))) {
    ctx.report({
      ruleId: "tar/trailing-data",
      message: `Data that is not a tar header follows the end-of-archive marker at offset ${at}; extractors ignore it and it was not scanned`,
      location: { offset: at },
      evidence: failure.message,
    });
    return;
  }
  throw failure;
}

async function endMarkerAt(source: ByteSource, at: number): Promise<boolean> {
  const marker = await source.read(at, 2 * BLOCK);
  return marker.length === 2 * BLOCK && marker.every((b) => b === 0);
}

/** ctx.report, with member names made relative to the artifact (prefixed with this tar's own member path). */
function report(ctx: ScanContext, input: ReportInput): void {
  const member = input.location?.member;
  if (member === undefined || !ctx.memberPath) return ctx.report(input);
  ctx.report({ ...input, location: { ...input.location, member: `${ctx.memberPath}/${member}` } });
}
