/**
 * `vouch pin TARGET > vouch.lock`: records every file's SHA-256 (and the revision, for a Hugging
 * Face cache snapshot) so `vouch verify --lock vouch.lock TARGET` can later fail on any difference.
 */
import type { Command } from "commander";
import { encodeLock } from "../sign/pin/lock.js";
import { pinModel } from "../sign/pin/pin.js";
import { EXIT_OK } from "./exit-codes.js";
import { writeOutput, type CliIo } from "./io.js";
import { isHfTarget } from "../sources/hf-ref.js";
import { hubLockSource } from "../sources/lock-source.js";
import { hubOptionsFor } from "./hf-targets.js";
import { localTarget } from "./signing-args.js";

interface PinFlags {
  allowSymlinks?: boolean;
  ignorePaths?: string[];
  revision?: string;
  output?: string;
}

export function registerPinCommand(program: Command, io: CliIo, done: (exitCode: number) => void): void {
  program
    .command("pin")
    .description("print a vouch.lock pinning every file of a model by SHA-256 (check it later with vouch verify --lock)")
    .argument("<target>", "a model folder or file, or hf://ORG/NAME[@REVISION]")
    .option("--allow-symlinks", "read symlinks as their targets' content (needed for Hugging Face cache snapshots)")
    .option("--ignore-paths <paths...>", "files or folders to leave out (relative to the model)")
    .option("--revision <rev>", "the revision to record (default: the commit of a Hugging Face cache snapshot)")
    .option("-o, --output <file>", "write the lock to FILE instead of stdout")
    .action(async (target: string, flags: PinFlags) => {
      // hf:// targets are fetched and verified against the Hub's published digests, then pinned
      const lock = await pinModel(isHfTarget(target) ? target : localTarget(target, io), {
        allowSymlinks: flags.allowSymlinks === true,
        ignorePaths: flags.ignorePaths,
        revision: flags.revision,
        remote: hubLockSource(hubOptionsFor(io)),
      });
      // Record the target as the user wrote it: a lock committed to a repository must not hold this machine's paths.
      await writeOutput(encodeLock({ ...lock, target }), flags.output, io);
      done(EXIT_OK);
    });
}
