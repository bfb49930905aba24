/**
 * Reading a tar archive front to back, once, with tar-stream's extractor. Each entry is handed to a
 * visitor together with its bytes as a one-shot stream; entries arrive strictly in archive order, so
 * the visitor scans an entry before the next header is read. A tar has no index: the only way to
 * reach entry n is through entries 0..n-1, which is why scanning happens inside the visit.
 *
 * A broken archive (cut short, or a header that fails its checksum) does not throw from here: the
 * entries before the break are visited as usual, the one the break falls in sees its bytes end early,
 * and the break is returned as `failure` for the handler to report after its bookkeeping.
 */
import { extract, type Extract, type Header } from "tar-stream";
import { VouchError } from "../../core/errors.js";
import { BLOCK } from "./sniff.js";

/** The entry kinds a handler distinguishes; GNU/Solaris extensions tar-stream does not name are `other`. */
export type TarEntryType =
  | "file"
  | "link"
  | "symlink"
  | "directory"
  | "character-device"
  | "block-device"
  | "fifo"
  | "contiguous-file"
  | "other";

export interface TarEntry {
  /** 0-based position in the archive (long-name and pax headers are not entries). */
  index: number;
  /** Name after GNU long-name and pax `path` records are applied, as stored (not normalised). */
  name: string;
  type: TarEntryType;
  /** Declared data size in bytes (after a pax `size` record); the bytes delivered never exceed it. */
  size: number;
  /** Link target for `link` and `symlink` entries, as stored. */
  linkname?: string;
  /** Device numbers, for character and block devices. */
  devmajor: number;
  devminor: number;
  /** Offset of the entry's own header block in the tar. */
  headerOffset: number;
  /** Offset of the first data byte in the tar. */
  dataOffset: number;
}

/** What the visitor asks for next: the following entry, or the end of reading (a budget ran out). */
export type VisitResult = "continue" | "stop";

export type EntryVisitor = (entry: TarEntry, content: AsyncIterable<Uint8Array>) => Promise<VisitResult>;

export interface TarReadResult {
  /** Entries visited. */
  entries: number;
  /** True when the visitor stopped the reading, or the scan was aborted, before the archive's end. */
  stoppedEarly: boolean;
  /** Set when the archive is broken; entries before the break were visited. */
  failure?: VouchError;
}

/**
 * Reads `chunks` (the whole archive, front to back) and visits every entry in order. The visitor
 * should consume the content it wants; whatever it leaves is skipped before the next entry is read.
 */
export async function readTar(chunks: AsyncIterable<Uint8Array>, visit: EntryVisitor, signal: AbortSignal): Promise<TarReadResult> {
  // v7 headers have no magic; the sniffer vouched for them by their checksum (the option is untyped)
  const ex = extract({ allowUnknownFormat: true } as Parameters<typeof extract>[0]);
  const feed = new Feed();
  const pumping = pump(chunks, ex, signal, feed);
  const entries = ex[Symbol.asyncIterator]();
  const result: TarReadResult = { entries: 0, stoppedEarly: false };
  let nextHeader = 0;
  try {
    for (;;) {
      const step = await nextEntry(entries, ex, feed);
      if (step.error !== undefined) {
        if (feed.sourceError !== undefined) throw feed.sourceError;
        if (signal.aborted) result.stoppedEarly = true;
        else result.failure = describeFailure(step.error, nextHeader, feed.bytes);
        break;
      }
      if (step.stream === undefined) break;
      const entry = toEntry(step.stream.header, step.stream.offset, result.entries++);
      const content = new EntryContent(step.stream, feed);
      const verdict = await visit(entry, content);
      await content.rest();
      nextHeader = entry.dataOffset + padded(entry.size);
      if (verdict === "stop" || signal.aborted) {
        result.stoppedEarly = true;
        break;
      }
    }
  } finally {
    // Ends the extractor whatever happened, so the pump below stops feeding it.
    if (!ex.destroyed) ex.destroy();
    await pumping;
  }
  return result;
}

/** The entry's data length rounded up to whole blocks (where the next header starts). */
export function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

interface EntryStream extends AsyncIterable<Uint8Array> {
  header: Header;
  offset: number;
}

/**
 * The next entry, or the end of the archive. The extractor is only told that the input has ended once
 * the archive is exhausted and the extractor has nothing left to offer: telling it earlier makes
 * tar-stream destroy the entry being read, and with it the bytes it still buffers.
 */
async function nextEntry(entries: AsyncIterator<unknown>, ex: Extract, feed: Feed): Promise<{ stream?: EntryStream; error?: unknown }> {
  const pending = entries.next();
  let outcome = await feed.settleOrStarve(pending);
  if (outcome === "starved") {
    ex.end(null); // a complete archive now finishes, a cut one fails with "Unexpected end of data"
    outcome = await settled(pending);
  }
  if ("error" in outcome) return { error: outcome.error ?? new Error("tar stream destroyed") };
  return outcome.value.done ? {} : { stream: outcome.value.value as EntryStream };
}

function toEntry(h: Header, headerOffset: number, index: number): TarEntry {
  const dataOffset = (h as Header & { byteOffset?: number }).byteOffset ?? headerOffset + BLOCK;
  return {
    index,
    name: h.name,
    type: h.type ?? "other",
    size: h.size,
    ...(h.linkname ? { linkname: h.linkname } : {}),
    devmajor: h.devmajor,
    devminor: h.devminor,
    headerOffset,
    dataOffset,
  };
}

/**
 * One entry's bytes. Its iterator has no `return()`: a consumer that stops early must not destroy
 * the entry stream, because tar-stream then destroys the whole extractor. The stream ends early,
 * cleanly, when the archive is cut inside the entry (the consumer sees fewer bytes than declared,
 * and the extractor reports the break afterwards).
 */
class EntryContent implements AsyncIterable<Uint8Array> {
  private readonly it: AsyncIterator<Uint8Array>;
  private done = false;

  constructor(stream: AsyncIterable<Uint8Array>, private readonly feed: Feed) {
    this.it = stream[Symbol.asyncIterator]();
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return { next: () => this.next() };
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    if (this.done) return { done: true, value: undefined };
    const outcome = await this.feed.settleOrStarve(this.it.next());
    if (outcome === "starved" || "error" in outcome || outcome.value.done) {
      this.done = true;
      return { done: true, value: undefined };
    }
    return outcome.value;
  }

  /** Skips whatever the visitor did not read. */
  async rest(): Promise<void> {
    while (!(await this.next()).done);
  }
}

type Outcome<T> = { value: T } | { error: unknown };

function settled<T>(p: Promise<T>): Promise<Outcome<T>> {
  return p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

/**
 * What the pump has fed so far, and whether the archive is exhausted. tar-stream moves bytes along in
 * ticks and microtasks only, so once the input is exhausted, a read still pending after the event
 * loop's next check phase will never be satisfied: the reader is starved and the archive ended there.
 */
class Feed {
  bytes = 0;
  sourceError: unknown;
  private markExhausted!: () => void;
  private readonly exhausted = new Promise<void>((resolve) => {
    this.markExhausted = resolve;
  });

  exhaust(): void {
    this.markExhausted();
  }

  async settleOrStarve<T>(pending: Promise<T>): Promise<Outcome<T> | "starved"> {
    let outcome: Outcome<T> | undefined;
    const tracked = settled(pending).then((o) => (outcome = o));
    await Promise.race([tracked, this.exhausted]);
    if (outcome) return outcome;
    await new Promise<void>((resolve) => setImmediate(resolve));
    return outcome ?? "starved";
  }
}

/**
 * Feeds the archive into the extractor with back-pressure: a full extractor means the current entry
 * is being scanned, and waiting here is what keeps memory constant. It does not end the extractor
 * when the input ends (the reader does, once nothing is left to read: see `nextEntry`).
 */
async function pump(chunks: AsyncIterable<Uint8Array>, ex: Extract, signal: AbortSignal, feed: Feed): Promise<void> {
  try {
    for await (const chunk of chunks) {
      if (ex.destroyed || ex.destroying) return;
      if (signal.aborted) {
        ex.destroy(new Error("aborted"));
        return;
      }
      feed.bytes += chunk.length;
      if (!ex.write(chunk)) await drained(ex);
    }
  } catch (e) {
    // The archive could not be read (an I/O error, not a tar problem): the reader rethrows it.
    feed.sourceError = e;
    if (!ex.destroyed) ex.destroy(e instanceof Error ? e : new Error(String(e)));
  } finally {
    feed.exhaust();
  }
}

function drained(ex: Extract): Promise<void> {
  if (ex.destroyed || ex.destroying) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      ex.off("drain", done);
      ex.off("close", done);
      resolve();
    };
    ex.on("drain", done);
    ex.on("close", done);
  });
}

/** Turns tar-stream's error into a coded VouchError at the offset where the archive broke. */
function describeFailure(e: unknown, nextHeader: number, fedBytes: number): VouchError {
  const message = e instanceof Error ? e.message : String(e);
  if (/unexpected end of data/i.test(message)) {
    return new VouchError("E_TAR_TRUNCATED", `the tar archive ends after ${fedBytes} bytes, inside an entry or header`, {
      offset: fedBytes,
      hint: "The archive was cut short (an interrupted download or copy); entries before the break were scanned",
    });
  }
  return new VouchError("E_TAR_HEADER", `the tar header at or after offset ${nextHeader} is invalid (${message})`, {
    offset: nextHeader,
    hint: "The archive is corrupt past this point; entries before it were scanned",
  });
}
