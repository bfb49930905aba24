/**
 * A local stand-in for the Sigstore services, on 127.0.0.1 only: Fulcio (issues a short-lived
 * certificate for the identity in the OIDC token), Rekor (logs the
 * entry, returns a signed entry timestamp and an inclusion proof), built from @sigstore/mock's
 * handlers behind a plain node:http server, plus the trusted_root.json that trusts exactly these
 * services. No timestamp authority: the mock's RFC 3161 genTime sometimes carries fractional
 * seconds that @sigstore/core refuses, and the Rekor entry's time is a trusted time already. Each service can run on its own clock, to make certificates that
 * expired before they were logged.
 */
import { createHash, generateKeyPairSync, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fulcioHandler, initializeCA, initializeTLog, rekorHandler } from "@sigstore/mock";

export interface Standin {
  url: string;
  trustedRootPath: string;
  /** An unsigned OIDC token for `identity` from `issuer` (the stand-in's Fulcio does not check signatures). */
  token(identity: string, issuer: string): string;
  close(): Promise<void>;
}

export interface StandinOptions {
  /** The Fulcio CA's clock (certificates are valid ten minutes from it). Default: now. */
  caClock?: Date;
  /** Rekor's clock (the integrated time). Default: now. */
  tlogClock?: Date;
}

type Handler = { path: string; fn: (body: string) => Promise<{ statusCode: number; response: string | Buffer; contentType?: string }> };

export async function startStandin(opts: StandinOptions = {}): Promise<Standin> {
  const routes = new Map<string, Handler>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const handler = routes.get(req.url ?? "");
      if (req.method !== "POST" || handler === undefined) {
        res.writeHead(404).end();
        return;
      }
      const r = await handler.fn(Buffer.concat(chunks).toString("utf8"));
      res.writeHead(r.statusCode, { "Content-Type": r.contentType ?? "text/plain" }).end(r.response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;

  const key = () => generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const [caKey, tlogKey] = [key(), key()];
  // No CT log: @sigstore/mock 0.11's SCTs (built with pkijs) do not parse with @sigstore/core 3, so
  // the stand-in's certificates carry none and its trusted root names no CT log (see trusted-root.ts).
  const ca = await initializeCA(caKey, undefined, opts.caClock);
  const tlog = await initializeTLog(url, tlogKey, opts.tlogClock);
  const rekor = rekorHandler(tlog);
  for (const h of [fulcioHandler(ca), { path: rekor.path, fn: (body: string) => rekor.fn(canonicalDsseEntry(body)) }]) routes.set(h.path, h);

  const dir = mkdtempSync(join(tmpdir(), "vouch-standin-"));
  const trustedRootPath = join(dir, "trusted_root.json");
  writeFileSync(trustedRootPath, JSON.stringify(trustedRoot(url, ca.rootCertificate, tlogKey.publicKey), null, 2));

  return {
    url,
    trustedRootPath,
    token: (identity, issuer) => jwt({ iss: issuer, sub: identity, aud: "sigstore", iat: now(), exp: now() + 600 }),
    close: () => new Promise((resolve) => closeServer(server, resolve)),
  };
}

function trustedRoot(url: string, caRoot: Buffer, tlogKey: KeyObject) {
  const validFor = { start: "2000-01-01T00:00:00Z" };
  const log = (k: KeyObject) => {
    const der = k.export({ format: "der", type: "spki" });
    return {
      baseUrl: url,
      hashAlgorithm: "SHA2_256",
      publicKey: { rawBytes: der.toString("base64"), keyDetails: "PKIX_ECDSA_P256_SHA_256", validFor },
      logId: { keyId: createHash("sha256").update(der).digest("base64") },
    };
  };
  const authority = (chain: Buffer[]) => ({
    subject: { organization: "vouch-test", commonName: "vouch-test" },
    uri: url,
    certChain: { certificates: chain.map((c) => ({ rawBytes: c.toString("base64") })) },
    validFor,
  });
  return {
    mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    tlogs: [log(tlogKey)],
    certificateAuthorities: [authority([caRoot])],
    ctlogs: [],
    timestampAuthorities: [],
  };
}

/**
 * What real Rekor stores for a proposed `dsse` entry: hashes of the envelope and payload and the
 * signatures with their verifiers, not the envelope itself. The mock logs what it is sent, so the
 * stand-in does this step (the Sigstore verifier compares the logged signature and payload hash).
 */
function canonicalDsseEntry(body: string): string {
  const entry = JSON.parse(body) as { kind?: string; apiVersion?: string; spec?: { proposedContent?: { envelope: string; verifiers: string[] } } };
  const proposed = entry.spec?.proposedContent;
  if (entry.kind !== "dsse" || proposed === undefined) return body;
  const envelope = JSON.parse(proposed.envelope) as { payload: string; signatures: Array<{ sig: string }> };
  const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
  return JSON.stringify({
    apiVersion: entry.apiVersion,
    kind: "dsse",
    spec: {
      envelopeHash: { algorithm: "sha256", value: sha256(proposed.envelope) },
      payloadHash: { algorithm: "sha256", value: sha256(Buffer.from(envelope.payload, "base64")) },
      signatures: envelope.signatures.map((sig, i) => ({ signature: sig.sig, verifier: proposed.verifiers[i] ?? proposed.verifiers[0] })),
    },
  });
}

function jwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ alg: "ES256", typ: "JWT" })}.${part(claims)}.${Buffer.from("unsigned").toString("base64url")}`;
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function closeServer(server: Server, done: () => void): void {
  server.closeAllConnections();
  server.close(() => done());
}
