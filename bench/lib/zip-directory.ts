/**
 * A deliberately minimal zip directory reader for the "read the pickle members" baseline. It shares
 * no code with src/formats/zip so the baseline measures plain I/O, not Vouch's reader: find the end
 * record (and the zip64 one when the sizes overflow), walk the central directory, read each `.pkl`
 * member's local header and then its bytes. No validation beyond what is needed to find the bytes:
 * it is only ever pointed at the benchmark's own files.
 */
import { open, type FileHandle } from "node:fs/promises";

const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;

interface Member {
  name: string;
  compressedSize: number;
  localHeaderOffset: number;
}

/** Reads the bytes of every `.pkl` member (compressed bytes as stored). Returns how many and how much. */
export async function readPickleMembers(file: string): Promise<{ members: number; bytes: number; names: string[] }> {
  const fh = await open(file, "r");
  try {
    const members = (await centralDirectory(fh)).filter((m) => m.name.endsWith(".pkl"));
    let bytes = 0;
    for (const m of members) {
      const local = await readAt(fh, m.localHeaderOffset, 30);
      if (local.readUInt32LE(0) !== SIG_LOCAL) throw new Error(`no local header for ${m.name}`);
      const dataOffset = m.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      bytes += (await readAt(fh, dataOffset, m.compressedSize)).length;
    }
    return { members: members.length, bytes, names: members.map((m) => m.name) };
  } finally {
    await fh.close();
  }
}

async function centralDirectory(fh: FileHandle): Promise<Member[]> {
  const size = (await fh.stat()).size;
  const tailStart = Math.max(0, size - EOCD_SIZE - MAX_COMMENT);
  const tail = await readAt(fh, tailStart, size - tailStart);
  let at = tail.length - EOCD_SIZE;
  while (at >= 0 && tail.readUInt32LE(at) !== SIG_EOCD) at--;
  if (at < 0) throw new Error("no end of central directory record");
  let count = tail.readUInt16LE(at + 10);
  let cdSize = tail.readUInt32LE(at + 12);
  let cdOffset = tail.readUInt32LE(at + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locator = await readAt(fh, tailStart + at - 20, 20);
    if (locator.readUInt32LE(0) !== SIG_ZIP64_LOCATOR) throw new Error("zip64 locator missing");
    const z = await readAt(fh, Number(locator.readBigUInt64LE(8)), 56);
    if (z.readUInt32LE(0) !== SIG_ZIP64_EOCD) throw new Error("zip64 end record missing");
    count = Number(z.readBigUInt64LE(32));
    cdSize = Number(z.readBigUInt64LE(40));
    cdOffset = Number(z.readBigUInt64LE(48));
  }
  const cd = await readAt(fh, cdOffset, cdSize);
  const out: Member[] = [];
  for (let p = 0; out.length < count && p + 46 <= cd.length; ) {
    if (cd.readUInt32LE(p) !== SIG_CENTRAL) throw new Error(`bad central record at ${cdOffset + p}`);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const name = cd.toString("utf8", p + 46, p + 46 + nameLen);
    let uncompressed = cd.readUInt32LE(p + 24);
    let compressed = cd.readUInt32LE(p + 20);
    let local = cd.readUInt32LE(p + 42);
    // zip64 extra field: only the values whose 32-bit field is saturated, in this order
    for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen; ) {
      const id = cd.readUInt16LE(e);
      const len = cd.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (uncompressed === 0xffffffff) { uncompressed = Number(cd.readBigUInt64LE(q)); q += 8; }
        if (compressed === 0xffffffff) { compressed = Number(cd.readBigUInt64LE(q)); q += 8; }
        if (local === 0xffffffff) { local = Number(cd.readBigUInt64LE(q)); q += 8; }
      }
      e += 4 + len;
    }
    out.push({ name, compressedSize: compressed, localHeaderOffset: local });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

async function readAt(fh: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}
