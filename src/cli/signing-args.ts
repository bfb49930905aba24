/**
 * What `vouch sign` and `vouch verify` share: the optional method word before the model
 * (`vouch verify key MODEL`, as `model_signing` spells it), the model-walk flags, and turning a
 * verification failure into exit code 1 with its reason.
 */
import { Option, type Command } from "commander";
import { resolve } from "node:path";
import { VouchError } from "../core/errors.js";
import { SIGNING_METHODS, type SigningMethod } from "../sign/bundle/types.js";
import { isVerificationFailure } from "../sign/errors.js";
import { EXIT_FINDINGS } from "./exit-codes.js";
import type { CliIo } from "./io.js";

export interface WalkFlags {
  ignorePaths?: string[];
  ignoreGitPaths: boolean;
  allowSymlinks?: boolean;
}

/** `[method] MODEL`: the method word is optional; a model folder literally named `key` is written `./key`. */
export function methodAndModel(args: string[], io: CliIo): { method?: SigningMethod; model: string } {
  if (args.length === 1) return { model: localTarget(args[0], io) };
  if (args.length === 2 && (SIGNING_METHODS as readonly string[]).includes(args[0])) {
    return { method: args[0] as SigningMethod, model: localTarget(args[1], io) };
  }
  throw new VouchError("E_USAGE", `expected [${SIGNING_METHODS.join("|")}] MODEL, got ${args.map((a) => JSON.stringify(a)).join(" ")}`, {
    hint: "Give one model path, optionally preceded by the signing method",
  });
}

/**
 * A model on this machine, resolved against the working directory. Remote targets (`hf://...`)
 * are hashed from a downloaded copy: a signature or pin covers bytes Vouch has read.
 */
export function localTarget(target: string, io: CliIo): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    throw new VouchError("E_REMOTE_TARGET", `${target} is not a local path; this command reads the model's files`, {
      hint: "Download the model first and give the folder (a Hugging Face cache snapshot works, with --allow-symlinks)",
    });
  }
  return resolve(io.cwd, target);
}

export function addWalkOptions(cmd: Command): Command {
  return cmd
    .option("--ignore-paths <paths...>", "files or folders to leave out (relative to the model, or absolute)")
    .option("--no-ignore-git-paths", "include .git, .gitattributes, .github and .gitignore at the model root")
    .option("--allow-symlinks", "read symlinks as their targets' content (needed for Hugging Face cache snapshots)");
}

export function signatureOption(): Option {
  return new Option("--signature <path>", "the signature file").default("model.sig");
}

/** A verification failure is the command's answer (exit 1), not an error of the tool (exit 2). */
export async function answerFailures(io: CliIo, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (e) {
    if (!isVerificationFailure(e)) throw e;
    io.stdout.write(`FAILED: ${e.message}\n`);
    if (e.hint) io.stderr.write(`vouch: ${e.code}: ${e.hint}\n`);
    return EXIT_FINDINGS;
  }
}
