/**
 * Signing and verification errors. Two kinds, because they lead to different exit codes:
 * a `VerificationFailure` means the evidence was read and does not hold (a changed file, a wrong key,
 * an untrusted CA, a malformed or truncated signature: exit 1); any other `VouchError` means the
 * question could not be asked (a missing file, a bad flag, an unsupported hash: exit 2).
 */
import { VouchError } from "../core/errors.js";

export class VerificationFailure extends VouchError {
  constructor(code: string, message: string, opts: { file?: string; hint?: string; cause?: unknown } = {}) {
    super(code, message, opts);
    this.name = "VerificationFailure";
  }
}

export function isVerificationFailure(e: unknown): e is VerificationFailure {
  return e instanceof VerificationFailure;
}

/** A malformed signature file: what is wrong, where in the bundle, and what to do. */
export function malformedBundle(message: string, file?: string): VerificationFailure {
  return new VerificationFailure("E_SIG_MALFORMED", `the signature is malformed: ${message}`, {
    file,
    hint: "The file is not an OpenSSF model signature (a Sigstore bundle with a DSSE envelope), or it was truncated or edited; sign the model again",
  });
}

/** Why a Node error happened, for messages: its errno code when it has one. */
export function errnoCode(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "code" in e && typeof e.code === "string" ? e.code : undefined;
}
