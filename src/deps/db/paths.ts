/**
 * Where the local OSV database lives. In order: an explicit directory (`--db DIR`, or `audit.db` in
 * vouch.yaml, resolved by the caller), `VOUCH_DB_DIR`, `$XDG_CACHE_HOME/vouch/osv`, and
 * `~/.cache/vouch/osv`. A cache directory, because the database can always be rebuilt from OSV.
 */
import { homedir } from "node:os";
import { join, resolve } from "node:path";

export function resolveDbDir(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  if (explicit !== undefined && explicit !== "") return resolve(cwd, explicit);
  if (env.VOUCH_DB_DIR) return resolve(cwd, env.VOUCH_DB_DIR);
  const cache = env.XDG_CACHE_HOME ? resolve(cwd, env.XDG_CACHE_HOME) : join(env.HOME || homedir(), ".cache");
  return join(cache, "vouch", "osv");
}
