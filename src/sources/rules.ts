/**
 * Rules about where a file's bytes came from (as opposed to what the bytes do): registered with the
 * catalogue when the sources layer loads, so the catalogue stays the one place renderers read.
 */
import { defineRule, registerRules } from "../core/rules.js";

registerRules([
  defineRule("hf-cache/blob-mismatch", "high", "A file in the Hugging Face cache does not hash to its blob name.",
    "Cache blobs are named by the digest the Hub published (sha256 for LFS files, the git blob id for others), so the content changed after it was downloaded: corrupted or tampered with. Delete the blob, download it again, and find out what wrote to the cache."),
  defineRule("lfs/pointer-not-pulled", "low", "The file is a Git LFS pointer: the content it names was never downloaded.",
    "The clone was made without `git lfs pull` (or with GIT_LFS_SKIP_SMUDGE). The ~130-byte text file only names the real content by its sha256, so the model cannot be judged; run `git lfs pull` and scan again.",
    true),
]);
