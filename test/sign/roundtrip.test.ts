/**
 * Vouch's own signatures, by every method: they verify, they follow the published format field by
 * field (what `model_signing` writes: the test reads the bundle as plain JSON), and every kind of
 * tampering fails with its own code. Sigstore signing runs against the local stand-in on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { createHash, createPublicKey } from "node:crypto";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { isVerificationFailure } from "../../src/sign/errors.js";
import { generateKeyPair } from "../../src/sign/key/keygen.js";
import { signModel, verifyModel, type VerifyOptions } from "../../src/sign/index.js";
import { CODE_SIGNING, DAY_MS, KeyUsage, makePki } from "./support/pki.js";
import { cleanup, sampleModel, tempDir } from "./support/models.js";
import { startStandin, type Standin } from "./support/sigstore-standin.js";

after(cleanup);

function keyFiles(curve: "P-256" | "P-384" | "P-521" = "P-256", password?: string) {
  const pair = generateKeyPair(curve, password);
  const dir = tempDir();
  writeFileSync(join(dir, "key.pem"), pair.privateKeyPem);
  writeFileSync(join(dir, "key.pub"), pair.publicKeyPem);
  return { ...pair, privateKey: join(dir, "key.pem"), publicKey: join(dir, "key.pub") };
}

async function fails(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isVerificationFailure(e), `expected a verification failure, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

function payloadOf(sig: string): Record<string, any> {
  return JSON.parse(Buffer.from(JSON.parse(readFileSync(sig, "utf8")).dsseEnvelope.payload, "base64").toString("utf8"));
}

describe("key method", () => {
  test("round trip on every curve, the bundle field by field as model_signing writes it", async () => {
    for (const curve of ["P-256", "P-384", "P-521"] as const) {
      const model = sampleModel();
      const key = keyFiles(curve);
      const signaturePath = join(model, "..", "model.sig");
      const signed = await signModel(model, { signaturePath, signer: { method: "key", privateKey: key.privateKey } });
      const bundle = JSON.parse(readFileSync(signaturePath, "utf8"));
      assert.deepEqual(Object.keys(bundle), ["mediaType", "verificationMaterial", "dsseEnvelope"]);
      assert.equal(bundle.mediaType, "application/vnd.dev.sigstore.bundle.v0.3+json");
      assert.deepEqual(bundle.verificationMaterial, { publicKey: { hint: createHash("sha256").update(key.publicKeyPem).digest("hex") }, tlogEntries: [] });
      assert.equal(bundle.dsseEnvelope.payloadType, "application/vnd.in-toto+json");
      assert.deepEqual(Object.keys(bundle.dsseEnvelope.signatures[0]), ["sig", "keyid"]);
      assert.equal(bundle.dsseEnvelope.signatures[0].keyid, "");
      const statement = payloadOf(signaturePath);
      assert.equal(statement._type, "https://in-toto.io/Statement/v1");
      assert.equal(statement.predicateType, "https://model_signing/signature/v1.0");
      assert.equal(statement.subject[0].name, "model");
      assert.equal(`sha256:${statement.subject[0].digest.sha256}`, signed.rootDigest);
      assert.deepEqual(statement.predicate.serialization, { method: "files", hash_type: "sha256", allow_symlinks: false, ignore_paths: [".git", ".gitattributes", ".github", ".gitignore"] });
      assert.deepEqual(statement.predicate.resources.map((r: { name: string }) => r.name), ["README.md", "config.json", "model.safetensors", "tokenizer/vocab.txt"]);
      assert.equal(statement.predicate.resources[1].digest, createHash("sha256").update('{"model_type": "tiny"}\n').digest("hex"));
      const verified = await verifyModel(model, { signaturePath, method: "key", publicKey: key.publicKey });
      assert.equal(verified.rootDigest, signed.rootDigest, curve);
    }
  });

  test("the statement is the same bytes every time; a signature inside the model is left out and recorded", async () => {
    const model = sampleModel();
    const key = keyFiles();
    const inside = join(model, "model.sig");
    const a = await signModel(model, { signaturePath: inside, signer: { method: "key", privateKey: key.privateKey } });
    const first = JSON.parse(a.bundle).dsseEnvelope.payload;
    const b = await signModel(model, { signaturePath: inside, signer: { method: "key", privateKey: key.privateKey } });
    assert.equal(JSON.parse(b.bundle).dsseEnvelope.payload, first);
    assert.ok(payloadOf(inside).predicate.serialization.ignore_paths.includes("model.sig"));
    await verifyModel(model, { signaturePath: inside, publicKey: key.publicKey });
  });

  test("an encrypted private key needs its password", async () => {
    const model = sampleModel();
    const key = keyFiles("P-384", "s3cret");
    const signaturePath = join(model, "..", "m.sig");
    await assert.rejects(signModel(model, { signaturePath, signer: { method: "key", privateKey: key.privateKey } }), /encrypted and no password/);
    await assert.rejects(signModel(model, { signaturePath, signer: { method: "key", privateKey: key.privateKey, password: "wrong" } }), /could not be decrypted/);
    await signModel(model, { signaturePath, signer: { method: "key", privateKey: key.privateKey, password: "s3cret" } });
    await verifyModel(model, { signaturePath, publicKey: key.publicKey });
  });

  test("a SEC1 private key and a compressed public point work too", async () => {
    const model = sampleModel();
    const key = keyFiles();
    const sec1 = createPublicKey(key.privateKeyPem) && (await import("node:crypto")).createPrivateKey(key.privateKeyPem).export({ type: "sec1", format: "pem" });
    const signaturePath = join(model, "..", "m.sig");
    await signModel(model, { signaturePath, signer: { method: "key", privateKey: Buffer.from(sec1) } });
    const jwk = createPublicKey(key.publicKeyPem).export({ format: "jwk" });
    const y = Buffer.from(jwk.y!, "base64url");
    const compressed = Buffer.concat([Buffer.from([2 + (y[y.length - 1] & 1)]), Buffer.from(jwk.x!, "base64url")]);
    await verifyModel(model, { signaturePath, publicKey: compressed });
  });
});

describe("tampering is caught, each with its own code", () => {
  let model: string;
  let key: ReturnType<typeof keyFiles>;
  let signaturePath: string;
  const verify = (extra: Partial<VerifyOptions> = {}) => verifyModel(model, { signaturePath, publicKey: key.publicKey, ...extra });

  before(async () => {
    model = sampleModel();
    key = keyFiles();
    signaturePath = join(model, "..", "model.sig");
    await signModel(model, { signaturePath, signer: { method: "key", privateKey: key.privateKey } });
  });

  test("a changed byte", async () => {
    const f = join(model, "model.safetensors");
    const original = readFileSync(f);
    const changed = Buffer.from(original);
    changed[1234] ^= 1;
    writeFileSync(f, changed);
    await fails(verify(), "E_SIG_MISMATCH", /1 changed \(model\.safetensors\)/);
    writeFileSync(f, original);
    await verify();
  });

  test("an extra file (accepted only with ignoreUnsignedFiles)", async () => {
    writeFileSync(join(model, "tokenizer", "extra.py"), "import os\n");
    await fails(verify(), "E_SIG_MISMATCH", /1 extra \(tokenizer\/extra\.py\)/);
    assert.deepEqual((await verify({ ignoreUnsignedFiles: true })).unsignedFiles, ["tokenizer/extra.py"]);
    rmSync(join(model, "tokenizer", "extra.py"));
  });

  test("a missing file, and a renamed one (missing under its old name, extra under the new)", async () => {
    renameSync(join(model, "README.md"), join(model, "README.txt"));
    await fails(verify(), "E_SIG_MISMATCH", /1 missing \(README\.md\); 1 extra \(README\.txt\)/);
    rmSync(join(model, "README.txt"));
    await fails(verify(), "E_SIG_MISMATCH", /^the model does not match its signature: 1 missing \(README\.md\)$/);
    writeFileSync(join(model, "README.md"), "# tiny\n");
  });

  test("files in ignored paths do not count", async () => {
    writeFileSync(join(model, ".git", "ORIG_HEAD"), "x");
    await verify();
    writeFileSync(join(model, "notes.txt"), "later");
    await verify({ ignorePaths: ["notes.txt"] });
    rmSync(join(model, "notes.txt"));
  });

  test("a wrong key", async () => {
    await fails(verify({ publicKey: keyFiles().publicKey }), "E_SIG_KEY_MISMATCH", /signed with another key/);
  });

  test("an altered payload under the old signature", async () => {
    const bundle = JSON.parse(readFileSync(signaturePath, "utf8"));
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, "base64").toString("utf8"));
    statement.subject[0].name = "other";
    bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement, null, 2)).toString("base64");
    const forged = join(tempDir(), "forged.sig");
    writeFileSync(forged, JSON.stringify(bundle));
    await fails(verify({ signaturePath: forged }), "E_SIG_SIGNATURE");
  });

  test("a truncated bundle and a malformed one", async () => {
    const text = readFileSync(signaturePath, "utf8");
    const truncated = join(tempDir(), "truncated.sig");
    writeFileSync(truncated, text.slice(0, text.length / 2));
    await fails(verify({ signaturePath: truncated }), "E_SIG_MALFORMED", /not JSON/);
    const malformed = join(tempDir(), "malformed.sig");
    const bundle = JSON.parse(text);
    bundle.dsseEnvelope.signatures = [];
    writeFileSync(malformed, JSON.stringify(bundle));
    await fails(verify({ signaturePath: malformed }), "E_SIG_MALFORMED", /no signatures/);
  });

  test("a signature made with another method than asked", async () => {
    await fails(verify({ method: "sigstore" }), "E_SIG_METHOD");
  });
});

describe("certificate method", () => {
  async function signAndVerify(pki: Awaited<ReturnType<typeof makePki>>, ca: string[] = [pki.rootPem]) {
    const model = sampleModel();
    const signaturePath = join(model, "..", "model.sig");
    await signModel(model, {
      signaturePath,
      signer: { method: "certificate", privateKey: pki.leafKeyPem, signingCertificate: pki.leafPem, certificateChain: [pki.intermediatePem] },
    });
    return { model, signaturePath, result: () => verifyModel(model, { signaturePath, method: "certificate", caCertificates: ca }) };
  }

  test("round trip: the chain is leaf first, the root is never in it", async () => {
    const pki = await makePki();
    const { signaturePath, result } = await signAndVerify(pki);
    const bundle = JSON.parse(readFileSync(signaturePath, "utf8"));
    assert.deepEqual(Object.keys(bundle.verificationMaterial), ["x509CertificateChain", "tlogEntries"]);
    assert.equal(bundle.verificationMaterial.x509CertificateChain.certificates.length, 2);
    assert.equal((await result()).signer, "certificate CN=model-signer@example.com");
  });

  test("an untrusted CA", async () => {
    const pki = await makePki();
    const other = await makePki();
    await fails((await signAndVerify(pki, [other.rootPem])).result(), "E_SIG_UNTRUSTED_CA");
  });

  test("a CA that had expired when the signing certificate was issued", async () => {
    const now = Date.now();
    const pki = await makePki({ notBefore: new Date(now - 10 * DAY_MS) }, { notBefore: new Date(now - 400 * DAY_MS), notAfter: new Date(now - 20 * DAY_MS) });
    await fails((await signAndVerify(pki)).result(), "E_SIG_CERT_EXPIRED", /Vouch Test Intermediate/);
  });

  test("a certificate not meant for signing; codeSigning alone is enough", async () => {
    const wrong = await makePki({ keyUsage: KeyUsage.keyEncipherment });
    await fails((await signAndVerify(wrong)).result(), "E_SIG_CERT_PURPOSE");
    const codeSigning = await makePki({ keyUsage: KeyUsage.keyAgreement, extKeyUsage: [CODE_SIGNING] });
    await (await signAndVerify(codeSigning)).result();
  });

  test("signing refuses a certificate for another key", async () => {
    const pki = await makePki();
    const other = await makePki();
    const model = sampleModel();
    await assert.rejects(
      signModel(model, { signaturePath: join(model, "..", "x.sig"), signer: { method: "certificate", privateKey: other.leafKeyPem, signingCertificate: pki.leafPem } }),
      /for another key/,
    );
  });
});

describe("sigstore method (local stand-in on 127.0.0.1)", () => {
  const identity = "https://github.com/acme/models/.github/workflows/release.yml@refs/tags/v1";
  const issuer = "https://token.actions.githubusercontent.com";
  let standin: Standin;

  before(async () => {
    standin = await startStandin();
  });
  after(() => standin.close());

  async function sign(s: Standin) {
    const model = sampleModel();
    const signaturePath = join(model, "..", "model.sig");
    await signModel(model, {
      signaturePath,
      signer: { method: "sigstore", identityToken: s.token(identity, issuer), fulcioURL: s.url, rekorURL: s.url },
    });
    return { model, signaturePath };
  }

  test("signs and verifies offline against the explicit trusted root; the format is the OMS sigstore shape", async () => {
    const { model, signaturePath } = await sign(standin);
    const bundle = JSON.parse(readFileSync(signaturePath, "utf8"));
    assert.equal(bundle.mediaType, "application/vnd.dev.sigstore.bundle.v0.3+json");
    assert.ok(bundle.verificationMaterial.certificate.rawBytes);
    assert.equal(bundle.verificationMaterial.tlogEntries[0].kindVersion.kind, "dsse");
    assert.ok(bundle.verificationMaterial.tlogEntries[0].inclusionProof.checkpoint.envelope);
    const result = await verifyModel(model, { signaturePath, method: "sigstore", identity, issuer, trustedRoot: standin.trustedRootPath });
    assert.equal(result.signer, `${identity} (issuer ${issuer})`);
  });

  test("wrong identity, wrong issuer, another trusted root, identity and issuer both required", async () => {
    const { model, signaturePath } = await sign(standin);
    const base = { signaturePath, identity, issuer, trustedRoot: standin.trustedRootPath };
    await fails(verifyModel(model, { ...base, identity: "https://github.com/evil/models/.github/workflows/x.yml@refs/heads/main" }), "E_SIG_IDENTITY");
    await fails(verifyModel(model, { ...base, issuer: "https://accounts.google.com" }), "E_SIG_ISSUER");
    await fails(verifyModel(model, { ...base, trustedRoot: undefined }), "E_SIG_CERTIFICATE");
    await assert.rejects(verifyModel(model, { ...base, issuer: undefined }), (e: unknown) => !isVerificationFailure(e) && /--identity and an --issuer/.test(String(e)));
  });

  test("a certificate that had expired when the log entry was made", async () => {
    const stale = await startStandin({ caClock: new Date(Date.now() - 3_600_000) });
    try {
      const { model, signaturePath } = await sign(stale);
      await fails(verifyModel(model, { signaturePath, identity, issuer, trustedRoot: stale.trustedRootPath }), "E_SIG_CERTIFICATE");
    } finally {
      await stale.close();
    }
  });

  test("a changed file under a valid Sigstore signature", async () => {
    const { model, signaturePath } = await sign(standin);
    writeFileSync(join(model, "config.json"), "{}");
    await fails(verifyModel(model, { signaturePath, identity, issuer, trustedRoot: standin.trustedRootPath }), "E_SIG_MISMATCH", /config\.json/);
  });
});
