/**
 * The Hub's HTTP API, through `fetch`: revision resolution and repository information, the recursive
 * file listing (with LFS digests, last commits and the Hub's security status), and file downloads
 * through `resolve/` with its redirects to a CDN.
 *
 * Redirects are followed here rather than by fetch, so that the token is sent only to the Hub's own
 * origin (never to the CDN a `Location` names) and so the Hub's headers on the redirect itself
 * (`X-Repo-Commit`, `X-Linked-Etag`) are seen.
 */
import { VouchError } from "../core/errors.js";
import { TOOL_NAME, TOOL_VERSION } from "../version.js";
import type { HubSettings } from "./hf-env.js";
import { hubNetworkError, hubResponseError, type HubRequestContext } from "./hub-errors.js";
import { parseHubJson, repoInfoSchema, toHubFile, toRepoInfo, treeSchema, type HubFile, type RepoInfo } from "./hub-types.js";

/** Only `model` and `dataset` repositories are read. */
export type RepoKind = "model" | "dataset";

export interface HubClientOptions {
  /** Milliseconds a metadata request, or a pause in a download's body, may last (default 60 s). */
  timeoutMs?: number;
  /** The fetch to use (tests may wrap it); default the global one. */
  fetch?: typeof fetch;
}

/** A download response, positioned at `start`. */
export interface Download {
  /** The body, from the requested offset (or from 0 when the server ignored the range). */
  body: AsyncIterable<Uint8Array>;
  /** Offset of the body's first byte in the file: `start`, or 0 when the server sent the whole file. */
  offset: number;
  /** The commit the Hub says it served (`X-Repo-Commit`), when it says. */
  commit?: string;
}

const MAX_REDIRECTS = 5;
const MAX_PAGES = 10_000;

export class HubClient {
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;

  constructor(readonly settings: HubSettings, options: HubClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.fetchFn = options.fetch ?? fetch;
  }

  /** Repository information at `revision`, including the commit it resolves to. */
  async repoInfo(repoId: string, revision: string, kind: RepoKind = "model"): Promise<RepoInfo> {
    const url = `${this.settings.endpoint}/api/${kind}s/${repoId}/revision/${encodeURIComponent(revision)}`;
    const { res } = await this.send(url, this.context(repoId, revision), { timeout: true });
    return toRepoInfo(parseHubJson(repoInfoSchema, await readJson(res, url), `${repoId}@${revision}`));
  }

  /** Every file of the repository at `commit`, sorted by path; follows the listing's pages. */
  async listFiles(repoId: string, commit: string): Promise<HubFile[]> {
    let url: string | undefined = `${this.settings.endpoint}/api/models/${repoId}/tree/${encodeURIComponent(commit)}?recursive=true&expand=true`;
    const files: HubFile[] = [];
    for (let page = 0; url !== undefined; page++) {
      if (page >= MAX_PAGES) throw new VouchError("E_HF_RESPONSE", `the file listing of ${repoId} does not end`, { hint: "Check HF_ENDPOINT" });
      const { res } = await this.send(url, this.context(repoId, commit), { timeout: true });
      const entries = parseHubJson(treeSchema, await readJson(res, url), `the file listing of ${repoId}`);
      for (const e of entries) if (e.type === "file") files.push(toHubFile(e));
      url = this.nextPage(res, url);
    }
    return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /**
   * Starts downloading `path` at `commit` from byte `start`, following `resolve/` redirects.
   * `signal` cancels it at any point, waiting for headers or reading the body.
   */
  async download(repoId: string, commit: string, path: string, start: number, signal: AbortSignal): Promise<Download> {
    const url = `${this.settings.endpoint}/${repoId}/resolve/${encodeURIComponent(commit)}/${path.split("/").map(encodeURIComponent).join("/")}`;
    const { res, commit: served } = await this.send(url, this.context(repoId, commit, path), {
      signal,
      headers: { ...(start > 0 ? { range: `bytes=${start}-` } : {}), "accept-encoding": "identity" },
      timeout: false, // a download may take hours; the downloader watches for stalls instead
    });
    if (res.body === null) throw new VouchError("E_HF_RESPONSE", `the Hub sent no content for ${repoId}/${path}`, { hint: "Retry" });
    return {
      body: res.body as AsyncIterable<Uint8Array>,
      offset: res.status === 206 ? rangeStart(res, start) : 0,
      ...(served ? { commit: served } : {}),
    };
  }

  /** How long a download may stall between chunks before it is abandoned and retried. */
  get idleTimeoutMs(): number {
    return this.timeoutMs;
  }

  /**
   * One request, following up to five redirects. The token goes only to the Hub's own origin, never
   * to a CDN a `Location` names. A non-success final answer becomes a VouchError. Returns the final
   * response and the first `X-Repo-Commit` seen along the way (the Hub sets it on the redirect).
   */
  private async send(
    first: string,
    ctx: HubRequestContext,
    opts: { signal?: AbortSignal; headers?: Record<string, string>; timeout: boolean },
  ): Promise<{ res: Response; commit?: string }> {
    // One signal or the other (AbortSignal.any needs Node 20.3): metadata has a deadline, downloads a caller.
    const signal = opts.signal ?? (opts.timeout ? AbortSignal.timeout(this.timeoutMs) : undefined);
    let url = first;
    let commit: string | undefined;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const headers: Record<string, string> = { "user-agent": `${TOOL_NAME}/${TOOL_VERSION}`, ...opts.headers };
      if (this.settings.token !== undefined && sameOrigin(url, this.settings.endpoint)) headers.authorization = `Bearer ${this.settings.token}`;
      let res: Response;
      try {
        res = await this.fetchFn(url, { headers, redirect: "manual", signal });
      } catch (e) {
        throw hubNetworkError(e, url, ctx);
      }
      commit ??= res.headers.get("x-repo-commit") ?? undefined;
      const location = res.headers.get("location");
      if (res.status >= 300 && res.status < 400 && location !== null) {
        await res.body?.cancel();
        url = new URL(location, url).toString();
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw hubResponseError(res, ctx);
      }
      return { res, ...(commit !== undefined ? { commit } : {}) };
    }
    throw new VouchError("E_HF_RESPONSE", `too many redirects from ${first}`, { hint: "Check HF_ENDPOINT" });
  }

  /** The `Link: <url>; rel="next"` of a listing page, only when it stays on the Hub's origin. */
  private nextPage(res: Response, url: string): string | undefined {
    const link = res.headers.get("link");
    const next = link?.split(",").map((part) => /<([^>]+)>\s*;\s*rel="?next"?/.exec(part)?.[1]).find((u) => u !== undefined);
    if (next === undefined) return undefined;
    const abs = new URL(next, url).toString();
    if (!sameOrigin(abs, this.settings.endpoint)) {
      throw new VouchError("E_HF_RESPONSE", `the file listing's next page is on another host (${new URL(abs).host})`, {
        hint: "Check HF_ENDPOINT; the listing is not followed off the Hub",
      });
    }
    return abs;
  }

  private context(repoId: string, revision: string, path?: string): HubRequestContext {
    return { repoId, revision, ...(path !== undefined ? { path } : {}), authenticated: this.settings.token !== undefined };
  }
}

async function readJson(res: Response, url: string): Promise<unknown> {
  try {
    return await res.json();
  } catch (e) {
    throw new VouchError("E_HF_RESPONSE", `the Hub's answer from ${url} is not JSON`, { cause: e, hint: "Check HF_ENDPOINT" });
  }
}

/** The first byte a 206 answer carries; it must be the one asked for. */
function rangeStart(res: Response, asked: number): number {
  const m = /^bytes (\d+)-/.exec(res.headers.get("content-range") ?? "");
  const start = m ? Number(m[1]) : NaN;
  if (start !== asked) {
    throw new VouchError("E_HF_RESPONSE", `asked for bytes from ${asked} but the server sent ${res.headers.get("content-range") ?? "no Content-Range"}`, {
      hint: "Retry; the partial download is kept",
    });
  }
  return start;
}

function sameOrigin(a: string, b: string): boolean {
  return new URL(a).origin === new URL(b).origin;
}
