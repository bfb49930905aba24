/**
 * Model signing and verification in the OpenSSF model-signing (OMS) format, the model identity
 * digest, and lock files that pin a model's files. See docs/signing.md.
 */
export { signModel, type SignOptions, type SignResult, type SignerOptions, type KeySource } from "./sign.js";
export { verifyModel, ModelMismatch, type VerifyOptions, type VerifyResult } from "./verify.js";
export { modelDigest, modelManifest, type DigestOptions } from "./digest.js";
export { buildManifest, type ManifestOptions } from "./manifest/serialize.js";
export { diffManifests, type ManifestDiff } from "./manifest/compare.js";
export { rootDigest } from "./manifest/root-digest.js";
export { DEFAULT_SHARD_SIZE, type Manifest, type Resource, type Serialization, type HashType } from "./manifest/types.js";
export { generateKeyPair, type GeneratedKeyPair } from "./key/keygen.js";
export { CURVES, type Curve } from "./key/curves.js";
export { publicKeyHint } from "./key/keys.js";
export { parseBundle, readBundleFile } from "./bundle/read.js";
export { SIGNING_METHODS, type SigningMethod, type ModelBundle } from "./bundle/types.js";
export { encodeStatement, PREDICATE_TYPE } from "./intoto/statement.js";
export { decodeStatement } from "./intoto/decode.js";
export { publicGoodTrustedRoot, loadTrustedRoot } from "./sigstore/trusted-root.js";
export { VerificationFailure, isVerificationFailure } from "./errors.js";
export { pinModel, verifyLock, type PinOptions, type LockSource, type LockCheck } from "./pin/pin.js";
export { encodeLock, decodeLock, LOCK_VERSION, type Lock, type LockedFile } from "./pin/lock.js";
