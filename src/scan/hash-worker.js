// Worker thread that hashes whole files with SHA-256, so hashing a large artifact runs on another
// core while the main thread parses it. Plain JavaScript: it runs unchanged from src/ (tests) and
// dist/ (installed). Messages: { id, path, chunk } in, { id, hex } or { id, error } out.
import { parentPort } from "node:worker_threads";
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";

parentPort.on("message", async ({ id, path, chunk }) => {
  let fh;
  try {
    fh = await open(path, "r");
    const hash = createHash("sha256");
    const buf = Buffer.allocUnsafe(chunk);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, chunk, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
    }
    parentPort.postMessage({ id, hex: hash.digest("hex") });
  } catch (e) {
    parentPort.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  } finally {
    await fh?.close();
  }
});
