// Worker thread for manifest hashing: hashes a whole file or one byte range of it, so the files of
// a model are hashed on every core at once. Plain JavaScript so it runs unchanged from src/ (tests,
// through tsx) and dist/ (installed). Messages: { id, path, start, end, algorithm, chunk } in
// (end null: to the end of the file), { id, hex } or { id, error, code } out.
import { parentPort } from "node:worker_threads";
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";

/** Node's names for the manifest hash types. */
const NODE_ALGORITHM = { sha256: "sha256", blake2b: "blake2b512" };

let buffer;

parentPort.on("message", async ({ id, path, start, end, algorithm, chunk }) => {
  let fh;
  try {
    if (buffer === undefined || buffer.length !== chunk) buffer = Buffer.allocUnsafe(chunk);
    fh = await open(path, "r");
    const hash = createHash(NODE_ALGORITHM[algorithm]);
    let position = start;
    for (;;) {
      const want = end === null ? chunk : Math.min(chunk, end - position);
      if (want <= 0) break;
      const { bytesRead } = await fh.read(buffer, 0, want, position);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
    parentPort.postMessage({ id, hex: hash.digest("hex") });
  } catch (e) {
    parentPort.postMessage({ id, error: e instanceof Error ? e.message : String(e), code: e?.code });
  } finally {
    await fh?.close();
  }
});
