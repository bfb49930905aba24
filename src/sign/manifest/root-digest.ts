/**
 * The model's root digest: SHA-256 over the raw bytes of every resource digest, in manifest order.
 * It is the in-toto subject digest of a signature and the model identity (`vouch digest`). Always
 * SHA-256, whatever the resources' own hash, as `model_signing` does.
 */
import { createHash } from "node:crypto";
import type { Resource } from "./types.js";

export function rootDigest(resources: readonly Resource[]): string {
  const h = createHash("sha256");
  for (const r of resources) h.update(Buffer.from(r.digest, "hex"));
  return h.digest("hex");
}
