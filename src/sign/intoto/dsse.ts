/**
 * DSSE pre-authentication encoding (PAE): the bytes a DSSE signature is computed over.
 * https://github.com/secure-systems-lab/dsse/blob/v1.0.0/protocol.md
 */

export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

/** `DSSEv1 <len(type)> <type> <len(payload)> <payload>`, lengths in bytes as decimal ASCII. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, "utf8");
  const head = Buffer.from(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `, "utf8");
  return Buffer.concat([head, payload]);
}

/**
 * The encoding `model_signing` 0.2 signed by mistake, which its verifier still accepts: `DSSEV1`
 * (capital V) and the payload written as Python's `repr()` of a bytes object (`b'{\n ...'`), because
 * bytes were formatted into a str. Key and certificate signatures from that release verify only
 * against these bytes.
 */
export function paeCompat(payloadType: string, payload: Uint8Array): Buffer {
  return Buffer.from(`DSSEV1 ${payloadType.length} ${payloadType} ${payload.length} ${pythonBytesRepr(payload)}`, "utf8");
}

/** Python's `repr(b"...")`: single quotes unless the bytes hold `'` and no `"`; C-style escapes. */
export function pythonBytesRepr(bytes: Uint8Array): string {
  const hasSingle = bytes.includes(0x27);
  const quote = hasSingle && !bytes.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const b of bytes) {
    if (b === 0x5c) out += "\\\\";
    else if (b === 0x09) out += "\\t";
    else if (b === 0x0a) out += "\\n";
    else if (b === 0x0d) out += "\\r";
    else if (b === quote.charCodeAt(0)) out += `\\${quote}`;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, "0")}`;
  }
  return `${out}${quote}`;
}
