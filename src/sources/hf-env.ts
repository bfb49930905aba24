/**
 * Where the Hub is, who we are on it and where its cache lives: read from the same environment
 * variables, with the same precedence, as the official Python client (`huggingface_hub.constants`),
 * so Vouch and `transformers` share one cache and one login.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export const DEFAULT_ENDPOINT = "https://huggingface.co";

export interface HubSettings {
  /** Base URL of the Hub, without a trailing `/` (`HF_ENDPOINT`). */
  endpoint: string;
  /** Access token (`HF_TOKEN`, else the token file `huggingface-cli login` writes); undefined when none. */
  token?: string;
  /** The hub cache folder holding `models--org--name/` folders. */
  cacheDir: string;
  /** `HF_HUB_OFFLINE`: never touch the network; hf:// targets resolve from the cache only. */
  offline: boolean;
}

/** Settings from an environment (the process's by default; the CLI passes its own). */
export function hubSettings(env: NodeJS.ProcessEnv = process.env): HubSettings {
  const token = nonEmpty(env.HF_TOKEN) ?? nonEmpty(env.HUGGING_FACE_HUB_TOKEN) ?? readTokenFile(tokenPath(env));
  return {
    endpoint: (nonEmpty(env.HF_ENDPOINT) ?? DEFAULT_ENDPOINT).replace(/\/+$/, ""),
    ...(token !== undefined ? { token } : {}),
    cacheDir: hubCacheDir(env),
    offline: isTruthy(env.HF_HUB_OFFLINE),
  };
}

/** `HF_HUB_CACHE`, else the legacy `HUGGINGFACE_HUB_CACHE`, else `$HF_HOME/hub`. */
export function hubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return nonEmpty(env.HF_HUB_CACHE) ?? nonEmpty(env.HUGGINGFACE_HUB_CACHE) ?? join(hfHome(env), "hub");
}

/** `HF_HOME`, else `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface`. */
export function hfHome(env: NodeJS.ProcessEnv = process.env): string {
  return nonEmpty(env.HF_HOME) ?? join(nonEmpty(env.XDG_CACHE_HOME) ?? join(homedir(), ".cache"), "huggingface");
}

function tokenPath(env: NodeJS.ProcessEnv): string {
  return nonEmpty(env.HF_TOKEN_PATH) ?? join(hfHome(env), "token");
}

/** The login token file; a missing or unreadable file just means anonymous access. */
function readTokenFile(path: string): string | undefined {
  try {
    return nonEmpty(readFileSync(path, "utf8").trim());
  } catch {
    return undefined;
  }
}

/** The Python client's reading of boolean variables (`1`, `ON`, `YES`, `TRUE`, any case). */
function isTruthy(value: string | undefined): boolean {
  return value !== undefined && ["1", "on", "yes", "true"].includes(value.trim().toLowerCase());
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
