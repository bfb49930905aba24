/**
 * Parsing 7-Zip's technical listing (`7zz l -slt`), line by line as 7-Zip prints it:
 *
 *   --                      archive properties follow (Type, Physical Size, Method, Solid, Blocks)
 *   ----------              member blocks follow, each `Key = Value` lines, separated by blank lines
 *
 * 7-Zip prints control characters in names as `_`, so a member name cannot forge listing lines. Only
 * the first `maxEntries + 1` members are kept (a listing can be far larger than the archive: headers
 * compress well), the rest are only counted and summed.
 */

export interface SevenZipEntry {
  /** Member path as listed (POSIX or Windows separators as stored). */
  path: string;
  /** Unpacked size in bytes as the headers declare it. */
  size: number;
  folder: boolean;
  /** A symbolic link (unix mode `l...` in the attributes): its content is the target path. */
  symlink: boolean;
  encrypted: boolean;
  /** Coder chain, e.g. `LZMA2:24` or `LZMA2:12 7zAES:19`. */
  method: string;
}

export interface SevenZipListing {
  /** Archive-level properties (`Type`, `Physical Size`, `Method`, `Solid`, `Blocks`, ...). */
  archive: Record<string, string>;
  /** The first members, up to the parser's cap. */
  entries: SevenZipEntry[];
  /** Members listed, including those past the cap. */
  count: number;
  /** Sum of the declared sizes of every member listed. */
  totalSize: number;
}

type Section = "preamble" | "archive" | "members";

export class ListingParser {
  private section: Section = "preamble";
  private current: Record<string, string> | undefined;
  private readonly listing: SevenZipListing = { archive: {}, entries: [], count: 0, totalSize: 0 };

  constructor(private readonly maxEntries: number) {}

  line(text: string): void {
    if (text === "--" && this.section === "preamble") {
      this.section = "archive";
      return;
    }
    if (text === "----------" && this.section === "archive") {
      this.section = "members";
      return;
    }
    if (this.section === "archive") this.archiveLine(text);
    else if (this.section === "members") this.memberLine(text);
  }

  finish(): SevenZipListing {
    this.closeMember();
    return this.listing;
  }

  private archiveLine(text: string): void {
    const kv = splitPair(text);
    if (kv) this.listing.archive[kv[0]] = kv[1];
  }

  private memberLine(text: string): void {
    const kv = splitPair(text);
    if (!kv) return; // blank separator or a warning line
    if (kv[0] === "Path") {
      this.closeMember();
      this.current = {};
    }
    if (this.current) this.current[kv[0]] = kv[1];
  }

  private closeMember(): void {
    if (!this.current) return;
    const entry = toEntry(this.current);
    this.current = undefined;
    this.listing.count++;
    this.listing.totalSize += entry.size;
    if (this.listing.entries.length <= this.maxEntries) this.listing.entries.push(entry);
  }
}

function splitPair(text: string): [string, string] | undefined {
  const at = text.indexOf(" = ");
  if (at <= 0) {
    // `Key =` with an empty value has no trailing space after 7-Zip trims the line
    return text.endsWith(" =") ? [text.slice(0, -2), ""] : undefined;
  }
  return [text.slice(0, at), text.slice(at + 3)];
}

function toEntry(props: Record<string, string>): SevenZipEntry {
  const attributes = props["Attributes"] ?? "";
  return {
    path: props["Path"] ?? "",
    size: Number(props["Size"]) || 0,
    folder: props["Folder"] === "+" || /^\S*D/.test(attributes) || /\sd[rwxsStT-]{9}/.test(attributes),
    symlink: /\sl[rwxsStT-]{9}/.test(attributes),
    encrypted: props["Encrypted"] === "+",
    method: props["Method"] ?? "",
  };
}
