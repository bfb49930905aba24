/**
 * A tar entry as a ByteSource for the orchestrator. Its first pass is the archive's own pass (a
 * OnePassSource over the entry's live bytes), so a streaming scanner reads the entry as the archive
 * goes by and the archive is read once. Sniffing reads come from the OnePassSource's head cache.
 * Reads past that head, and a second pass, go back to the archive at the entry's data offset: for a
 * tar file that is a positioned read, for a tar inside a compressed stream it replays the stream.
 */
import { ONE_PASS_HEAD_LIMIT, OnePassSource, type ByteSource } from "../../core/source.js";

export class TarMemberSource implements ByteSource {
  private readonly first: OnePassSource;

  constructor(
    private readonly archive: ByteSource,
    private readonly dataOffset: number,
    readonly size: number,
    live: AsyncIterable<Uint8Array>,
  ) {
    this.first = new OnePassSource(size, live, () => archive.stream(dataOffset, dataOffset + size));
  }

  /** Tar headers declare sizes up front, so the size is known (a cut archive delivers fewer bytes). */
  get sizeKnown(): boolean {
    return true;
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    const n = Math.max(0, Math.min(length, this.size - offset));
    if (offset + n <= ONE_PASS_HEAD_LIMIT) return this.first.read(offset, n);
    return this.archive.read(this.dataOffset + offset, n);
  }

  stream(start?: number, end?: number): AsyncIterable<Uint8Array> {
    return this.first.stream(start, end);
  }

  /** Finishes the live pass so the archive can move on to the next entry. */
  drain(): Promise<number> {
    return this.first.drain();
  }
}
