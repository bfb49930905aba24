/**
 * The Sigstore trust anchors (Fulcio CAs, Rekor and CT log keys, timestamp authorities) a keyless
 * signature is verified against. Always explicit, never fetched: the public-good instance's
 * `trusted_root.json` as shipped in @sigstore/tuf's TUF seeds (so verification works offline and
 * changes only when the dependency is updated), or a file given with `--trusted-root` (a private
 * Sigstore deployment, or a newer root).
 */
import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { VouchError } from "../../core/errors.js";
import { errnoCode } from "../errors.js";

const TUF_REPOSITORY = "https://tuf-repo-cdn.sigstore.dev";

/** The public-good trusted root from @sigstore/tuf's seeds, parsed. */
export async function publicGoodTrustedRoot(): Promise<TrustedRoot> {
  const seedsPath = join(dirname(createRequire(import.meta.url).resolve("@sigstore/tuf/package.json")), "seeds.json");
  const seeds = JSON.parse(await readFile(seedsPath, "utf8")) as Record<string, { targets?: Record<string, string> }>;
  const encoded = seeds[TUF_REPOSITORY]?.targets?.["trusted_root.json"];
  if (encoded === undefined) {
    throw new VouchError("E_TRUSTED_ROOT", `@sigstore/tuf's seeds hold no trusted_root.json for ${TUF_REPOSITORY}`, {
      file: seedsPath,
      hint: "Reinstall the dependencies, or give a trusted root with --trusted-root",
    });
  }
  return parseTrustedRoot(Buffer.from(encoded, "base64").toString("utf8"), seedsPath);
}

export async function loadTrustedRoot(path: string | undefined): Promise<TrustedRoot> {
  if (path === undefined) return publicGoodTrustedRoot();
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new VouchError("E_NOT_FOUND", `the trusted root ${path} could not be read (${errnoCode(e) ?? String(e)})`, { file: path, cause: e, hint: "check the path" });
  }
  return parseTrustedRoot(text, path);
}

export function parseTrustedRoot(text: string, source: string): TrustedRoot {
  try {
    const json = JSON.parse(text) as { mediaType?: unknown };
    if (typeof json.mediaType !== "string" || !json.mediaType.startsWith("application/vnd.dev.sigstore.trustedroot")) {
      throw new Error(`mediaType ${JSON.stringify(json.mediaType)} is not a trusted root's`);
    }
    return TrustedRoot.fromJSON(json);
  } catch (e) {
    throw new VouchError("E_TRUSTED_ROOT", `${source} is not a Sigstore trusted root (${e instanceof Error ? e.message : String(e)})`, {
      file: source,
      cause: e,
      hint: "Give a trusted_root.json (application/vnd.dev.sigstore.trustedroot+json)",
    });
  }
}
