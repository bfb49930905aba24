/** Stable identifiers shared by the renderers: bom-refs, purls, Hub URLs, content-derived UUIDs. */
import { createHash } from "node:crypto";

export const HUB_URL = "https://huggingface.co";

/** `org/name` shaped: a Hub repository id. */
export function isHubId(id: string): boolean {
  return /^[\w.-]+\/[\w.-]+$/.test(id);
}

/** purl for a Hub model (`pkg:huggingface/org/name@commit`), per the purl spec's huggingface type. */
export function huggingfacePurl(repoId: string, commit?: string): string | undefined {
  if (!isHubId(repoId)) return undefined;
  const [org, name] = repoId.split("/");
  return `pkg:huggingface/${encodeURIComponent(org)}/${encodeURIComponent(name)}${commit !== undefined ? `@${encodeURIComponent(commit)}` : ""}`;
}

export function hubModelUrl(repoId: string): string | undefined {
  return isHubId(repoId) ? `${HUB_URL}/${repoId}` : undefined;
}

export function hubDatasetUrl(id: string): string | undefined {
  return isHubId(id) ? `${HUB_URL}/datasets/${id}` : undefined;
}

/** A UUID (version 5 layout) from the SHA-256 of `text`: the same content always gets the same UUID. */
export function contentUuid(text: string): string {
  const h = createHash("sha256").update(text).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** A token safe in bom-refs, SPDX ids and LicenseRef names. */
export function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9.-]+/g, "-").replace(/^-+|-+$/g, "") || "x";
}
