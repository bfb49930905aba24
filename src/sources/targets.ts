/**
 * Target resolution: the step every command runs before it reads a target. A local path is itself;
 * `hf://ORG/NAME[@REV]` becomes the local snapshot folder of that revision, downloaded and verified
 * into the Hugging Face cache first (or, offline, looked up there).
 */
import { isHfTarget, parseHfRef } from "./hf-ref.js";
import { fetchSnapshot, type HubOptions, type Snapshot } from "./snapshot.js";

export interface ResolvedTarget {
  /** The target as given. */
  target: string;
  /** The local file or folder to read. */
  path: string;
  /** For `hf://` targets: the snapshot, with what the Hub said about it. */
  snapshot?: Snapshot;
}

export async function resolveTarget(target: string, options: HubOptions = {}): Promise<ResolvedTarget> {
  if (!isHfTarget(target)) return { target, path: target };
  const snapshot = await fetchSnapshot(parseHfRef(target), options);
  return { target, path: snapshot.dir, snapshot };
}
