/**
 * Vouch as a library: the CLI is a thin face over these functions, so `scan()` returns exactly what
 * `vouch scan --format json` prints.
 */
export { scan, listTargets, SCHEMA_VERSION, type ScanOptions } from "./scan/scan.js";
export { scanFile } from "./scan/artifact.js";
export { deriveVerdict } from "./scan/verdict.js";
export { defaultSettings, DEFAULT_BUDGETS, type ScanSettings, type Budgets } from "./scan/settings.js";
export { allRules, rule, RULESET_VERSION, type Rule } from "./core/rules.js";
export { resolveClock, fixedClock, systemClock, type Clock } from "./core/clock.js";
export { VouchError, BudgetExceeded } from "./core/errors.js";
export { walkModel, type WalkedFile, type WalkOptions } from "./walk/index.js";
export { applySuppressions, type Suppression } from "./core/suppress.js";
export { loadConfig, settingsFromConfig, type VouchConfig } from "./core/config.js";
export type * from "./core/types.js";
export { renderReport, renderJson, renderText, toSarif, renderSarif, canonicalJson, REPORT_FORMATS } from "./report/index.js";
export {
  signModel, verifyModel, modelDigest, modelManifest, buildManifest, generateKeyPair, pinModel, verifyLock, encodeLock, decodeLock,
  ModelMismatch, VerificationFailure, isVerificationFailure,
  type SignOptions, type SignResult, type SignerOptions, type VerifyOptions, type VerifyResult, type DigestOptions,
  type Manifest, type SigningMethod, type Lock, type PinOptions, type LockSource,
} from "./sign/index.js";
