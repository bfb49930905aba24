// Worker thread for hashing: a whole file or one byte range of it, so the files of a model are hashed
// on every core at once (signing manifests, src/sign/manifest/hash-pool.ts) and a large artifact is
// hashed beside its parse (scanning, src/scan/hash-pool.ts). Plain JavaScript so it runs unchanged from src/ (tests,
// through tsx) and dist/ (installed). Reads are synchronous on purpose: this thread does nothing
// else, and a blocking pread avoids a round trip through libuv's shared thread pool per chunk.
// Messages: { id, path, start, end, algorithm, chunk } in (end null: to the end of the file),
// { id, hex } or { id, error, code } out.
import { parentPort } from "node:worker_threads";
import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";

/** Node's names for the manifest hash types. */
const NODE_ALGORITHM = { sha256: "sha256", blake2b: "blake2b512" };

let buffer;

parentPort.on("message", ({ id, path, start, end, algorithm, chunk }) => {
  let fd;
  try {
    if (buffer === undefined || buffer.length !== chunk) buffer = Buffer.allocUnsafe(chunk);
    fd = openSync(path, "r");
    const hash = createHash(NODE_ALGORITHM[algorithm]);
    let position = start;
    for (;;) {
      const want = end === null ? chunk : Math.min(chunk, end - position);
      if (want <= 0) break;
      const bytesRead = readSync(fd, buffer, 0, want, position);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
    parentPort.postMessage({ id, hex: hash.digest("hex") });
  } catch (e) {
    parentPort.postMessage({ id, error: e instanceof Error ? e.message : String(e), code: e?.code });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
});
