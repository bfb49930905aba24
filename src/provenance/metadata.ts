/**
 * What is known about another repository (a base model, a dataset) without downloading it: its
 * card and commit from the local cache when it is there, else from the Hub's API (unless offline).
 * Lineage and the SLSA dependencies ask this one place.
 */
import { VouchError } from "../core/errors.js";
import { CachedRepo } from "../sources/hf-cache.js";
import { DEFAULT_REVISION, repoIdProblem } from "../sources/hf-ref.js";
import type { HubSettings } from "../sources/hf-env.js";
import { HubClient, type RepoKind } from "../sources/hub-client.js";
import { cardFromData, readModelCard, type ModelCard } from "./card.js";

/** A repository as far as it could be found. */
export interface RepoMetadata {
  id: string;
  kind: RepoKind;
  /** Where the answer came from; `unavailable` when nowhere had it. */
  source: "cache" | "hub" | "unavailable";
  /** The commit `main` resolves to (in the cache: resolved to when last downloaded). */
  commit?: string;
  /** Models only: the card. */
  card?: ModelCard;
  /** Why nothing was found (offline, not on the Hub, not a repo id). */
  note?: string;
}

export interface MetadataSource {
  lookup(id: string, kind: RepoKind): Promise<RepoMetadata>;
}

/** Cache first, then the Hub. Answers are remembered for the run (lineage revisits shared bases). */
export class HubMetadata implements MetadataSource {
  private readonly seen = new Map<string, Promise<RepoMetadata>>();

  constructor(private readonly settings: HubSettings, private readonly client: HubClient = new HubClient(settings)) {}

  lookup(id: string, kind: RepoKind): Promise<RepoMetadata> {
    const key = `${kind}:${id}`;
    let answer = this.seen.get(key);
    if (answer === undefined) {
      answer = this.find(id, kind);
      this.seen.set(key, answer);
    }
    return answer;
  }

  private async find(id: string, kind: RepoKind): Promise<RepoMetadata> {
    const problem = repoIdProblem(id);
    if (problem !== undefined) return { id, kind, source: "unavailable", note: `not a Hub repository id (${problem})` };
    const cached = await this.fromCache(id, kind);
    if (cached !== undefined) return cached;
    if (this.settings.offline) return { id, kind, source: "unavailable", note: "not in the local cache, and offline" };
    try {
      const info = await this.client.repoInfo(id, DEFAULT_REVISION, kind);
      return { id, kind, source: "hub", commit: info.commit, ...(kind === "model" ? { card: cardFromData(info.cardData) } : {}) };
    } catch (e) {
      if (!(e instanceof VouchError)) throw e;
      return { id, kind, source: "unavailable", note: `the Hub did not answer (${e.code})` };
    }
  }

  private async fromCache(id: string, kind: RepoKind): Promise<RepoMetadata | undefined> {
    const repo = new CachedRepo(this.settings.cacheDir, id, kind);
    const commit = await repo.readRef(DEFAULT_REVISION);
    if (commit === undefined) return undefined;
    if (kind === "dataset") return { id, kind, source: "cache", commit };
    return { id, kind, source: "cache", commit, card: await readModelCard(repo.snapshotDir(commit)) };
  }
}
