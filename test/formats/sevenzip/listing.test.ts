import { test } from "node:test";
import assert from "node:assert/strict";
import { ListingParser } from "../../../src/formats/sevenzip/listing.js";

const LISTING = `
7-Zip (z) 24.09 (LE) : Copyright (c) 1999-2024 Igor Pavlov : 2024-11-29

Listing archive: /in/archive.7z

--
Path = /in/archive.7z
Type = 7z
Physical Size = 311
Method = LZMA2:17 7zAES
Solid = +
Blocks = 1

----------
Path = model
Size = 0
Packed Size = 0
Attributes = D drwxr-xr-x
Encrypted = -
Method =

Path = model/a = b.pkl
Size = 17
Packed Size =
Attributes = A -rw-r--r--
Encrypted = +
Method = LZMA2:17 7zAES:19

Path = model/latest
Size = 5
Attributes = A lrwxrwxrwx
Encrypted = -
Method = LZMA2:17
`.split("\n");

test("archive properties and member blocks, with empty values and ' = ' inside names", () => {
  const parser = new ListingParser(100);
  for (const line of LISTING) parser.line(line);
  const listing = parser.finish();
  assert.deepEqual(listing.archive, { Path: "/in/archive.7z", Type: "7z", "Physical Size": "311", Method: "LZMA2:17 7zAES", Solid: "+", Blocks: "1" });
  assert.deepEqual(listing.entries, [
    { path: "model", size: 0, folder: true, symlink: false, encrypted: false, method: "" },
    { path: "model/a = b.pkl", size: 17, folder: false, symlink: false, encrypted: true, method: "LZMA2:17 7zAES:19" },
    { path: "model/latest", size: 5, folder: false, symlink: true, encrypted: false, method: "LZMA2:17" },
  ]);
  assert.deepEqual([listing.count, listing.totalSize], [3, 22]);
});

test("past the cap, members are counted and summed but not kept", () => {
  const parser = new ListingParser(1);
  for (const line of LISTING) parser.line(line);
  const listing = parser.finish();
  assert.equal(listing.entries.length, 2, "the cap plus one, so the caller sees it was passed");
  assert.deepEqual([listing.count, listing.totalSize], [3, 22]);
});

test("lines before the archive section are ignored, whatever they look like", () => {
  const parser = new ListingParser(10);
  for (const line of ["Path = fake", "Size = 999", "--", "Type = 7z", "----------"]) parser.line(line);
  assert.deepEqual(parser.finish(), { archive: { Type: "7z" }, entries: [], count: 0, totalSize: 0 });
});
