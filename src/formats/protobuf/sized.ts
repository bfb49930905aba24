/**
 * A protobuf message has no end marker: the top-level message ends where the file does. A source whose
 * size is not known yet (a decompressed member) is read once to learn it; positioned reads on it may
 * then replay the stream, which the scan's time budget bounds.
 */
import type { ByteSource } from "../../core/source.js";

export async function withKnownSize(source: ByteSource, signal: AbortSignal): Promise<ByteSource> {
  if (source.sizeKnown !== false) return source;
  let size = 0;
  for await (const chunk of source.stream()) {
    signal.throwIfAborted();
    size += chunk.length;
  }
  return { size, read: (offset, length) => source.read(offset, length), stream: (start, end = size) => source.stream(start, end) };
}
