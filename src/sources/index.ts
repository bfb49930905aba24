/**
 * Where a model's bytes come from: local files, the Hugging Face cache layout, the Hub's API, local
 * git clones and Git LFS pointers. Every command resolves its targets through `resolveTarget`.
 */
export { resolveTarget, type ResolvedTarget } from "./targets.js";
export { parseHfRef, isHfTarget, isCommitId, formatHfRef, repoIdProblem, DEFAULT_REVISION, type HfRef } from "./hf-ref.js";
export { hubSettings, hubCacheDir, hfHome, DEFAULT_ENDPOINT, type HubSettings } from "./hf-env.js";
export { fetchSnapshot, cachedSnapshot, type HubOptions, type Snapshot } from "./snapshot.js";
export { HubClient, type HubClientOptions, type RepoKind } from "./hub-client.js";
export type { HubFile, RepoInfo, SecurityStatus } from "./hub-types.js";
export { SCAN_STATUSES } from "./hub-types.js";
export { CachedRepo, listCachedRevisions, repoFolderName, snapshotLocation, blobNameOf, type CachedRevision, type CacheListing, type SnapshotLocation } from "./hf-cache.js";
export { cacheTargets, type CacheTargets } from "./cache-targets.js";
export { DEFAULT_RETRY, type RetryPolicy } from "./download.js";
export { checkSources } from "./checks.js";
export { parseLfsPointer, readLfsPointer, type LfsPointer } from "./lfs.js";
export { digestFile, gitBlobId, digestKind, type FileDigests, type DigestKind } from "./digest.js";
export { fileHistory, type GitCommit, type SignatureStatus } from "./git.js";
export { readClone, type CloneInfo, type CloneFile } from "./clone.js";
