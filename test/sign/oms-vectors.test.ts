/**
 * The OMS specification's test vectors (../shared/data/oms-spec, third-party, never copied here).
 * The `valid` ones are checked structurally against the spec's JSON schemas and cryptographically:
 * the key and certificate vectors were signed by one P-384 key whose certificate is the chain's
 * first entry (its public key's PEM hashes to the key vector's hint), and the Sigstore vector is a
 * real public-good signature, verified offline against the trusted root shipped with @sigstore/tuf.
 * The models are rebuilt here from the digests: `signme-1`/`signme-2` with or without a newline.
 * Every `invalid` vector must be rejected with a verification failure.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { X509Certificate } from "node:crypto";
import { Ajv2020 } from "ajv/dist/2020.js";
import { SHARED_DIR } from "../support/shared.js";
import { parseBundle } from "../../src/sign/bundle/read.js";
import { decodeStatement } from "../../src/sign/intoto/decode.js";
import { isVerificationFailure } from "../../src/sign/errors.js";
import { verifyModel } from "../../src/sign/verify.js";

const OMS = SHARED_DIR === undefined ? undefined : join(SHARED_DIR, "data", "oms-spec");
const VECTORS = OMS === undefined ? undefined : join(OMS, "test-vectors", "v1.0");
const skip = VECTORS === undefined ? "../shared/data/oms-spec is absent" : false;

const temps: string[] = [];
after(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

function temp(): string {
  const d = mkdtempSync(join(tmpdir(), "vouch-oms-"));
  temps.push(d);
  return d;
}

/** A model folder with the vector's files, plus a file the recorded ignore_paths must leave out. */
function model(files: Record<string, string>): string {
  const dir = temp();
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  writeFileSync(join(dir, "ignore-me"), "not signed");
  return dir;
}

function vector(name: string): string {
  return join(VECTORS!, name);
}

/** Writes the vector's certificates (DER in the bundle) as PEM files: the leaf's key, the chain. */
function certificateMaterial(): { leafPublicKey: string; intermediate: string; leaf: string } {
  const bundle = JSON.parse(readFileSync(vector("valid/certificate.bundle.json"), "utf8"));
  const [leaf, intermediate] = bundle.verificationMaterial.x509CertificateChain.certificates.map(
    (c: { rawBytes: string }) => new X509Certificate(Buffer.from(c.rawBytes, "base64")),
  );
  const dir = temp();
  const write = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
  return {
    leafPublicKey: write("leaf.pub.pem", leaf.publicKey.export({ type: "spki", format: "pem" }).toString()),
    intermediate: write("intermediate.pem", intermediate.toString()),
    leaf: write("leaf.pem", leaf.toString()),
  };
}

describe("OMS test vectors", { skip }, () => {
  test("every valid vector and its payload pass the specification's JSON schemas", () => {
    const ajv = new Ajv2020({ strict: false });
    for (const f of readdirSync(join(OMS!, "schemas", "v1.0"))) ajv.addSchema(JSON.parse(readFileSync(join(OMS!, "schemas", "v1.0", f), "utf8")));
    for (const name of readdirSync(vector("valid"))) {
      const bundle = JSON.parse(readFileSync(vector(`valid/${name}`), "utf8"));
      assert.ok(ajv.validate("https://model_signing/bundle/v1.0/schema", bundle), `${name}: ${ajv.errorsText()}`);
      const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, "base64").toString("utf8"));
      assert.ok(ajv.validate("https://model_signing/statement/v1.0/schema", statement), `${name} payload: ${ajv.errorsText()}`);
      const parsed = parseBundle(readFileSync(vector(`valid/${name}`), "utf8"));
      const decoded = decodeStatement(parsed.envelope.payload);
      assert.equal(decoded.rootDigest, statement.subject[0].digest.sha256, `${name}: root digest recomputed`);
    }
  });

  test("the valid vectors' methods are recognised from their verification material", () => {
    const methods = ["key", "certificate", "sigstore"].map((m) => parseBundle(readFileSync(vector(`valid/${m}.bundle.json`), "utf8")).method);
    assert.deepEqual(methods, ["key", "certificate", "sigstore"]);
  });

  test("key vector: verifies with the signer's public key (taken from the certificate vector's leaf)", async () => {
    const { leafPublicKey } = certificateMaterial();
    const dir = model({ "signme-1": "signme-1\n", "signme-2": "signme-2" });
    const result = await verifyModel(dir, { signaturePath: vector("valid/key.bundle.json"), method: "key", publicKey: leafPublicKey });
    assert.equal(result.signer, "key e8450dec4eb99dae995da9af1bc2cc9f76ed669ee2e744f57abba763df3e3f8e");
    assert.equal(result.rootDigest, "sha256:92745110b1ab4368471cbe31664e10174e954b113a3df333db860317b2c6dec4");
    assert.deepEqual(result.manifest.serialization.ignorePaths.sort(), [".git", ".gitattributes", ".github", ".gitignore", "ignore-me"]);
  });

  test("key vector: a changed file fails by name", async () => {
    const { leafPublicKey } = certificateMaterial();
    const dir = model({ "signme-1": "signme-1", "signme-2": "signme-2" });
    await assert.rejects(verifyModel(dir, { signaturePath: vector("valid/key.bundle.json"), publicKey: leafPublicKey }), /1 changed \(signme-1\)/);
  });

  test("certificate vector: verifies when its intermediate CA is trusted, fails with an unrelated CA", async () => {
    const { intermediate, leaf } = certificateMaterial();
    const dir = model({ "signme-1": "signme-1\n", "signme-2": "signme-2" });
    const signaturePath = vector("valid/certificate.bundle.json");
    const ok = await verifyModel(dir, { signaturePath, method: "certificate", caCertificates: [intermediate] });
    assert.equal(ok.signer, "certificate CN=intermediate-ca");
    // The leaf alone as an anchor also works: an anchor is any certificate the user trusts.
    await verifyModel(dir, { signaturePath, caCertificates: [leaf] });
    await assert.rejects(verifyModel(dir, { signaturePath }), (e: unknown) => isVerificationFailure(e) && e.code === "E_SIG_UNTRUSTED_CA");
  });

  test("sigstore vector: a public-good signature verifies offline with the shipped trusted root", async () => {
    const dir = model({ "signme-1": "signme-1", "signme-2": "signme-2" });
    const signaturePath = vector("valid/sigstore.bundle.json");
    const policy = { identity: "stefanb@us.ibm.com", issuer: "https://sigstore.verify.ibm.com/oauth2" };
    const result = await verifyModel(dir, { signaturePath, method: "sigstore", ...policy });
    assert.equal(result.signer, "stefanb@us.ibm.com (issuer https://sigstore.verify.ibm.com/oauth2)");
    await assert.rejects(verifyModel(dir, { signaturePath, ...policy, identity: "mallory@example.com" }), (e: unknown) => isVerificationFailure(e) && e.code === "E_SIG_IDENTITY");
    await assert.rejects(verifyModel(dir, { signaturePath, ...policy, issuer: "https://accounts.google.com" }), (e: unknown) => isVerificationFailure(e) && e.code === "E_SIG_ISSUER");
  });

  test("invalid-payload/wrong-predicate: its statement itself is refused as not a model signature", () => {
    const bundle = parseBundle(readFileSync(vector("invalid-payload/wrong-predicate.bundle.json"), "utf8"));
    assert.throws(() => decodeStatement(bundle.envelope.payload), (e: unknown) => isVerificationFailure(e) && e.code === "E_SIG_PREDICATE");
  });

  for (const dir of ["invalid", "invalid-payload"]) {
    for (const name of VECTORS === undefined ? [] : readdirSync(vector(dir))) {
      test(`${dir}/${name} is rejected as a verification failure`, async () => {
        const { leafPublicKey } = certificateMaterial();
        const m = model({ "signme-1": "signme-1\n", "signme-2": "signme-2" });
        const opts = { signaturePath: vector(`${dir}/${name}`), publicKey: leafPublicKey, identity: "stefanb@us.ibm.com", issuer: "https://sigstore.verify.ibm.com/oauth2" };
        await assert.rejects(verifyModel(m, opts), (e: unknown) => {
          assert.ok(isVerificationFailure(e), `expected a verification failure, got ${String(e)}`);
          return true;
        });
      });
    }
  }
});
