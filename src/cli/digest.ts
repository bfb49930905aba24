/**
 * `vouch digest MODEL`: prints the model identity, `sha256:<root>` (the files serialization with
 * SHA-256, as `model_signing` signs by default). `--format json` adds every file's digest.
 */
import { Option, type Command } from "commander";
import { modelManifest } from "../sign/digest.js";
import { EXIT_OK } from "./exit-codes.js";
import { warn, type CliIo } from "./io.js";
import { addWalkOptions, localTarget, type WalkFlags } from "./signing-args.js";

interface DigestFlags extends WalkFlags {
  format: "text" | "json";
}

export function registerDigestCommand(program: Command, io: CliIo, done: (exitCode: number) => void): void {
  const cmd = program
    .command("digest")
    .description("print the model's identity digest (sha256 over every file's sha256, as model_signing computes it)")
    .argument("<model>", "a model folder or file")
    .addOption(new Option("-f, --format <format>", "text: the digest; json: the digest and every file").choices(["text", "json"]).default("text"));
  addWalkOptions(cmd).action(async (model: string, flags: DigestFlags) => {
    const { digest, manifest } = await modelManifest(localTarget(model, io), {
      allowSymlinks: flags.allowSymlinks === true,
      ignorePaths: flags.ignorePaths,
      ignoreGitPaths: flags.ignoreGitPaths,
      onSkip: (path, reason) => warn(io, `${path} is not part of the digest: ${reason}`),
    });
    if (flags.format === "text") {
      io.stdout.write(`${digest}\n`);
    } else {
      const files = manifest.resources.map((r) => ({ path: r.name, sha256: r.digest, size: r.size }));
      io.stdout.write(`${JSON.stringify({ digest, files }, null, 2)}\n`);
    }
    done(EXIT_OK);
  });
}
