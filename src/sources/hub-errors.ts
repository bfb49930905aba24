/**
 * Hub answers that are not the content asked for, turned into errors a person can act on. The Hub
 * says what went wrong in `X-Error-Code` (`GatedRepo`, `RepoNotFound`, `RevisionNotFound`,
 * `EntryNotFound`) and `X-Error-Message`; the status alone is ambiguous (a private repository answers
 * 401 to anonymous callers, exactly as a missing one does).
 */
import { VouchError } from "../core/errors.js";

/** What was being asked for, for the message. */
export interface HubRequestContext {
  repoId: string;
  revision?: string;
  path?: string;
  /** True when a token was sent: changes what a 401 means. */
  authenticated: boolean;
}

/** Codes of failures worth another attempt (the same request may succeed a moment later). */
export const RETRYABLE_CODES: ReadonlySet<string> = new Set(["E_HF_NETWORK", "E_HF_SERVER", "E_HF_RATE_LIMIT", "E_HF_INTERRUPTED"]);

export function isRetryable(e: unknown): boolean {
  return e instanceof VouchError && RETRYABLE_CODES.has(e.code);
}

/** The error for a non-success response. */
export function hubResponseError(res: Response, ctx: HubRequestContext): VouchError {
  const code = res.headers.get("x-error-code") ?? "";
  const detail = res.headers.get("x-error-message") ?? "";
  const what = describe(ctx);
  const suffix = detail ? `: ${detail}` : "";
  if (code === "GatedRepo") {
    return new VouchError("E_HF_GATED", `${ctx.repoId} is a gated repository (HTTP ${res.status})${suffix}`, {
      hint: ctx.authenticated
        ? "This token's account has not been granted access: request access on the model's Hub page, then retry"
        : "Accept the model's conditions on its Hub page, then set HF_TOKEN to a token of that account",
    });
  }
  if (code === "RevisionNotFound") {
    return new VouchError("E_HF_REVISION_NOT_FOUND", `${ctx.repoId} has no revision ${JSON.stringify(ctx.revision)}${suffix}`, {
      hint: "Check the branch, tag or commit after @",
    });
  }
  if (code === "EntryNotFound") {
    return new VouchError("E_HF_FILE_NOT_FOUND", `${what} does not exist${suffix}`, {
      hint: "The file listing and the file disagree; retry, and report it to the Hub if it persists",
    });
  }
  if (code === "RepoNotFound" || res.status === 404) {
    return new VouchError("E_HF_NOT_FOUND", `repository ${ctx.repoId} was not found (HTTP ${res.status})${suffix}`, {
      hint: ctx.authenticated
        ? "Check the name; the token's account may not have access to this private repository"
        : "Check the name; for a private repository set HF_TOKEN",
    });
  }
  if (res.status === 401 || res.status === 403) {
    return new VouchError("E_HF_AUTH", `the Hub refused access to ${what} (HTTP ${res.status})${suffix}`, {
      hint: ctx.authenticated ? "HF_TOKEN may be invalid or expired: create a new one" : "Set HF_TOKEN to a token with read access",
    });
  }
  if (res.status === 429) {
    return new VouchError("E_HF_RATE_LIMIT", `the Hub is rate limiting requests for ${what}`, {
      hint: "Wait a while; authenticated requests (HF_TOKEN) get higher limits",
    });
  }
  if (res.status >= 500) {
    return new VouchError("E_HF_SERVER", `the Hub failed to serve ${what} (HTTP ${res.status})${suffix}`, {
      hint: "A server-side problem; retry later",
    });
  }
  return new VouchError("E_HF_HTTP", `unexpected HTTP ${res.status} for ${what}${suffix}`, {
    hint: "Check HF_ENDPOINT; it must point at a Hugging Face Hub",
  });
}

/** The error for a request that never got an answer (DNS, refused, reset, timeout). */
export function hubNetworkError(e: unknown, url: string, ctx: HubRequestContext): VouchError {
  const reason = e instanceof Error ? (causeMessage(e) ?? e.message) : String(e);
  return new VouchError("E_HF_NETWORK", `could not reach the Hub for ${describe(ctx)} at ${url}: ${reason}`, {
    cause: e,
    hint: "Check the network and HF_ENDPOINT; set HF_HUB_OFFLINE=1 to use only what is already in the cache",
  });
}

function describe(ctx: HubRequestContext): string {
  const rev = ctx.revision ? `@${ctx.revision}` : "";
  return ctx.path ? `${ctx.repoId}${rev}/${ctx.path}` : `${ctx.repoId}${rev}`;
}

/** undici puts the useful part (ECONNREFUSED, ...) in `cause`. */
function causeMessage(e: Error): string | undefined {
  const cause = (e as { cause?: unknown }).cause;
  if (cause instanceof Error) return (cause as NodeJS.ErrnoException).code ?? cause.message;
  return undefined;
}
