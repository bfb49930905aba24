/**
 * What every command that takes paths needs for `hf://` targets: Hub settings from the command's
 * environment (HF_ENDPOINT, HF_TOKEN, HF_HUB_CACHE, HF_HOME, HF_HUB_OFFLINE), a line on stderr per
 * downloaded file when stderr is a terminal, and, for `--hf-cache`, the cached revisions as targets.
 */
import { VouchError } from "../core/errors.js";
import { cacheTargets } from "../sources/cache-targets.js";
import { hubSettings } from "../sources/hf-env.js";
import type { HubOptions } from "../sources/snapshot.js";
import { warn, type CliIo } from "./io.js";

/** Hub options for a command run; `cacheOnly` resolves hf:// targets from the cache alone. */
export function hubOptionsFor(io: CliIo, cacheOnly = false): HubOptions {
  return {
    settings: hubSettings(io.env),
    ...(cacheOnly ? { offline: true } : {}),
    ...(io.stderr.isTTY ? { onFile: (e) => io.stderr.write(`vouch: ${e.outcome} ${e.path} (${e.done}/${e.total})\n`) } : {}),
  };
}

/**
 * The targets of a run: the paths given, plus every cached model revision with `--hf-cache`. Cache
 * entries that do not follow the layout are warned about, not dropped in silence.
 */
export async function withCacheTargets(paths: string[], hfCache: boolean, io: CliIo): Promise<string[]> {
  if (!hfCache && paths.length === 0) {
    // The path argument is optional only because --hf-cache can stand in for it.
    throw new VouchError("E_USAGE", "missing required argument 'path'", { hint: "Give files, folders or hf://ORG/NAME targets, or --hf-cache" });
  }
  if (!hfCache) return paths;
  const cacheDir = hubSettings(io.env).cacheDir;
  const cached = await cacheTargets(cacheDir);
  for (const p of cached.problems) warn(io, `Hugging Face cache: ${p}`);
  const targets = [...paths, ...cached.targets];
  if (targets.length === 0) {
    throw new VouchError("E_USAGE", `the Hugging Face cache ${cacheDir} holds no model`, {
      hint: "Set HF_HUB_CACHE or HF_HOME to the cache to scan, or give paths",
    });
  }
  return targets;
}
