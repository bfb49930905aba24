/**
 * `vouch sign [key|certificate|sigstore] MODEL`: signs a model folder or file in the OpenSSF
 * model-signing format. Flags follow `model_signing` where it has them; Sigstore is the default
 * method, as there.
 */
import { Option, type Command } from "commander";
import { resolve } from "node:path";
import { VouchError } from "../core/errors.js";
import { signModel, type SignerOptions } from "../sign/sign.js";
import { HASH_TYPES, type HashType } from "../sign/manifest/types.js";
import type { SigningMethod } from "../sign/bundle/types.js";
import { EXIT_OK } from "./exit-codes.js";
import { warn, type CliIo } from "./io.js";
import { addWalkOptions, methodAndModel, signatureOption, type WalkFlags } from "./signing-args.js";

interface SignFlags extends WalkFlags {
  signature: string;
  privateKey?: string;
  password?: string;
  signingCertificate?: string;
  certificateChain?: string[];
  identityToken?: string;
  fulcioUrl?: string;
  rekorUrl?: string;
  tsaUrl?: string;
  serialization: "files" | "shards";
  shardSize?: string;
  hash: HashType;
}

export function registerSignCommand(program: Command, io: CliIo, done: (exitCode: number) => void): void {
  const cmd = program
    .command("sign")
    .description("sign a model (folder or file) in the OpenSSF model-signing format: key, certificate or sigstore (default)")
    .argument("<method-and-model...>", "[key|certificate|sigstore] MODEL")
    .addOption(signatureOption())
    .option("--private-key <path>", "key, certificate: the EC private key (PEM: PKCS#8 or SEC1)")
    .option("--password <password>", "key, certificate: the private key's password")
    .option("--signing-certificate <path>", "certificate: the certificate of the private key (PEM)")
    .option("--certificate-chain <paths...>", "certificate: intermediate certificates to include (PEM)")
    .option("--identity-token <jwt>", "sigstore: the OIDC identity token (default: $SIGSTORE_ID_TOKEN, else the CI's ambient identity)")
    .option("--fulcio-url <url>", "sigstore: the Fulcio instance (default: public good)")
    .option("--rekor-url <url>", "sigstore: the Rekor instance (default: public good)")
    .option("--tsa-url <url>", "sigstore: also get an RFC 3161 timestamp from this authority")
    .addOption(new Option("--serialization <method>", "one digest per file, or per shard of each file").choices(["files", "shards"]).default("files"))
    .option("--shard-size <bytes>", "shards: bytes per shard (default 1000000000)")
    .addOption(new Option("--hash <algorithm>", "the hash of every file or shard").choices(HASH_TYPES).default("sha256"));
  addWalkOptions(cmd).action(async (args: string[], flags: SignFlags) => {
    done(await runSign(args, flags, io));
  });
}

async function runSign(args: string[], flags: SignFlags, io: CliIo): Promise<number> {
  const { method = "sigstore", model } = methodAndModel(args, io);
  const signaturePath = resolve(io.cwd, flags.signature);
  const result = await signModel(model, {
    signaturePath,
    signer: signerOptions(method, flags, io),
    method: flags.serialization,
    hashType: flags.hash,
    ...(flags.shardSize !== undefined ? { shardSize: Number(flags.shardSize) } : {}),
    allowSymlinks: flags.allowSymlinks === true,
    ignorePaths: flags.ignorePaths,
    ignoreGitPaths: flags.ignoreGitPaths,
    onSkip: (path, reason) => warn(io, `${path} is not signed: ${reason}`),
  });
  io.stdout.write(`signed ${model} with ${result.method}: ${result.manifest.resources.length} ${flags.serialization === "shards" ? "shards" : "files"}, ${result.rootDigest}\n`);
  io.stdout.write(`signature written to ${signaturePath}\n`);
  return EXIT_OK;
}

function signerOptions(method: SigningMethod, f: SignFlags, io: CliIo): SignerOptions {
  const path = (p: string) => resolve(io.cwd, p);
  switch (method) {
    case "key":
      return { method, privateKey: path(required(f.privateKey, "--private-key", method)), password: f.password };
    case "certificate":
      return {
        method,
        privateKey: path(required(f.privateKey, "--private-key", method)),
        password: f.password,
        signingCertificate: path(required(f.signingCertificate, "--signing-certificate", method)),
        certificateChain: (f.certificateChain ?? []).map(path),
      };
    case "sigstore": {
      const token = f.identityToken ?? (io.env.SIGSTORE_ID_TOKEN || undefined);
      return {
        method,
        ...(token !== undefined ? { identityToken: token } : {}),
        ...(f.fulcioUrl !== undefined ? { fulcioURL: f.fulcioUrl } : {}),
        ...(f.rekorUrl !== undefined ? { rekorURL: f.rekorUrl } : {}),
        ...(f.tsaUrl !== undefined ? { tsaURL: f.tsaUrl } : {}),
      };
    }
  }
}

function required(value: string | undefined, flag: string, method: string): string {
  if (value === undefined) throw new VouchError("E_USAGE", `signing with ${method} needs ${flag}`, { hint: "See vouch sign --help" });
  return value;
}
