/**
 * `vouch keygen`: an ECDSA key pair for `vouch sign key`: `<out>` (private, PKCS#8 PEM, readable by
 * the owner only, encrypted when --password is given) and `<out>.pub` (public, SPKI PEM).
 */
import { Option, type Command } from "commander";
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { VouchError } from "../core/errors.js";
import { CURVES, type Curve } from "../sign/key/curves.js";
import { generateKeyPair } from "../sign/key/keygen.js";
import { EXIT_OK } from "./exit-codes.js";
import type { CliIo } from "./io.js";

interface KeygenFlags {
  curve: Curve;
  out: string;
  password?: string;
  force?: boolean;
}

export function registerKeygenCommand(program: Command, io: CliIo, done: (exitCode: number) => void): void {
  program
    .command("keygen")
    .description("make an ECDSA key pair for `vouch sign key`")
    .addOption(new Option("--curve <curve>", "the curve (the signature hash follows: SHA-256, SHA-384, SHA-512)").choices(Object.keys(CURVES)).default("P-256"))
    .option("-o, --out <path>", "the private key file; the public key goes to <path>.pub", "vouch-signing-key.pem")
    .option("--password <password>", "encrypt the private key with this password (AES-256-CBC)")
    .option("--force", "overwrite existing key files")
    .action(async (flags: KeygenFlags) => {
      const pair = generateKeyPair(flags.curve, flags.password);
      const privatePath = resolve(io.cwd, flags.out);
      const publicPath = `${privatePath}.pub`;
      await writeKey(privatePath, pair.privateKeyPem, 0o600, flags.force === true);
      await writeKey(publicPath, pair.publicKeyPem, 0o644, flags.force === true);
      io.stdout.write(`private key: ${privatePath}\npublic key:  ${publicPath}\nkey hint:    ${pair.hint}\n`);
      done(EXIT_OK);
    });
}

async function writeKey(path: string, text: string, mode: number, force: boolean): Promise<void> {
  try {
    // `wx` refuses to replace a key by accident: a lost private key cannot be recovered.
    await writeFile(path, text, { mode, flag: force ? "w" : "wx" });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new VouchError(code === "EEXIST" ? "E_EXISTS" : "E_OUTPUT", code === "EEXIST" ? `${path} already exists` : `cannot write ${path} (${code ?? String(e)})`, {
      file: path,
      cause: e,
      hint: code === "EEXIST" ? "Choose another --out, or pass --force to overwrite it" : "Check that the folder exists and is writable",
    });
  }
}
