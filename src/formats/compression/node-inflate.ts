/**
 * Deflate decoding through node:zlib, as a pull stream over a ByteInput. node's zlib streams discard
 * output they buffered when an error follows, and do not say where a stream ended, so this adapter
 * drives the engine in small slices itself: output is collected from 'data' events as it is produced
 * (and so survives a later error), and after each slice `bytesWritten` (input the engine consumed)
 * tells whether the deflate stream ended inside it; the unconsumed tail is given back to the input.
 */
import { createInflate, createInflateRaw, type Inflate, type InflateRaw } from "node:zlib";
import { VouchError } from "../../core/errors.js";
import type { ByteInput } from "./input.js";
import { corrupt, truncated, unsupported } from "./errors.js";

/**
 * Compressed bytes per write. One write's output is held in memory before it is yielded, and deflate
 * expands at most ~1032x, so 32 KiB bounds that to ~34 MB even for a bomb; larger slices would
 * save little (each slice costs one round trip to the zlib thread pool).
 */
const SLICE = 64 * 1024;

type Engine = Inflate | InflateRaw;

/** Inflates raw deflate (`raw`, inside gzip) or a zlib stream (`zlib`) starting at the input's position. */
export async function* inflate(input: ByteInput, wrapper: "raw" | "zlib", format: string): AsyncGenerator<Uint8Array> {
  const engine: Engine = wrapper === "raw" ? createInflateRaw() : createInflate();
  const out: Uint8Array[] = [];
  const state: { failure?: Error; ended: boolean } = { ended: false };
  engine.on("data", (chunk: Uint8Array) => out.push(chunk));
  engine.on("error", (e: Error) => (state.failure ??= e));
  engine.on("end", () => (state.ended = true));
  const start = input.offset;
  try {
    while (!state.ended && !state.failure) {
      const slice = await input.slice(SLICE);
      if (slice.length === 0) {
        await finish(engine, state);
        break;
      }
      await write(engine, slice, state);
      yield* out.splice(0);
      // After the end of the deflate stream the engine stops consuming: give the rest back.
      const unconsumed = input.offset - start - engine.bytesWritten;
      if (unconsumed > 0) {
        input.unread(unconsumed);
        break;
      }
    }
    yield* out.splice(0);
    if (state.failure) throw zlibError(state.failure, format, start + engine.bytesWritten);
  } finally {
    engine.destroy();
  }
}

/** Writes one slice and waits until the engine has processed it (or failed). */
function write(engine: Engine, slice: Uint8Array, state: { failure?: Error; ended: boolean }): Promise<void> {
  return settle(engine, state, (done) => engine.write(slice, () => done()));
}

/** Ends the input and waits for the engine to flush: the end of a complete stream, or an error. */
function finish(engine: Engine, state: { failure?: Error; ended: boolean }): Promise<void> {
  return settle(engine, state, () => engine.end());
}

/**
 * Resolves when `start`'s callback fires or the engine ends, errors or closes, whichever comes first,
 * then lets already-queued events run so every 'data' produced by this step has arrived.
 */
function settle(engine: Engine, state: { failure?: Error; ended: boolean }, start: (done: () => void) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      engine.off("end", done).off("error", done).off("close", done);
      setImmediate(resolve);
    };
    if (state.ended || state.failure) return done();
    engine.once("end", done).once("error", done).once("close", done);
    start(done);
  });
}

/** zlib's error codes as Vouch errors: a short stream is truncation, a missing preset dictionary unsupported. */
function zlibError(e: Error & { code?: string }, format: string, offset: number): VouchError {
  if (e.code === "Z_BUF_ERROR") return truncated(format, offset);
  if (e.code === "Z_NEED_DICT") return unsupported(format, offset, "a preset dictionary (zlib FDICT)");
  return corrupt(format, offset, e.message);
}
