/**
 * The checks, one snippet at a time: what each reports (rule, severity, line, column), and the
 * look-alikes each must leave alone.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { isEncodedBlob } from "../../../src/formats/python/analyse.js";
import { runPython } from "./helpers.js";

type Expected = [string, string, number, number][];

async function expectFindings(source: string, expected: Expected, what = source): Promise<void> {
  const r = await runPython(source);
  assert.deepEqual(r.found, expected, what);
}

/** A realistic payload encoding: varied text, so the base64 uses most of its alphabet. */
const B64 = Buffer.from(Array.from({ length: 12 }, (_, i) => `print("stand-in line ${i} for a payload, never run")\n`).join("")).toString("base64");

test("process execution: os, subprocess, pty, exec/spawn families, through any import form", async () => {
  await expectFindings('import os\nos.system("id")\n', [["python/process-exec", "high", 2, 1]]);
  await expectFindings('import subprocess as sp\nsp.Popen(["id"], stdout=sp.PIPE)\n', [["python/process-exec", "high", 2, 1]]);
  await expectFindings('from os import system as run\nrun("id")\n', [["python/process-exec", "high", 2, 1]]);
  await expectFindings("from os import *\nexecvp('sh', ['sh'])\n", [["python/process-exec", "high", 2, 1]]);
  await expectFindings("import pty\npty.spawn('/bin/sh')\n", [["python/process-exec", "high", 2, 1]]);
  await expectFindings("import os\nos.spawnlp(os.P_WAIT, 'ls')\nos.posix_spawn('/bin/sh', [], {})\n", [
    ["python/process-exec", "high", 2, 1],
    ["python/process-exec", "high", 3, 1],
  ]);
  await expectFindings("import os\nhandler = os.popen\n", [["python/process-exec", "high", 2, 11]], "a reference is enough");
  await expectFindings('import os\ngetattr(os, "system")("id")\n', [["python/process-exec", "high", 2, 1]]);
  await expectFindings('__import__("os").system("id")\n', [
    ["python/dynamic-code", "high", 1, 1],
    ["python/process-exec", "high", 1, 1],
  ]);
});

test("dynamic code: exec, eval, compile, __import__, import_module, computed getattr on a sensitive module", async () => {
  await expectFindings("exec(src)\n", [["python/dynamic-code", "high", 1, 1]]);
  await expectFindings("y = eval(expr)\n", [["python/dynamic-code", "high", 1, 5]]);
  await expectFindings("code = compile(src, 'x', 'exec')\n", [["python/dynamic-code", "high", 1, 8]]);
  await expectFindings("import importlib\nm = importlib.import_module(name)\n", [["python/dynamic-code", "high", 2, 5]]);
  await expectFindings("run = eval\n", [["python/dynamic-code", "high", 1, 7]]);
  await expectFindings("import os\nfn = getattr(os, name)\n", [["python/dynamic-code", "high", 2, 6]]);
  await expectFindings("import builtins\nbuiltins.exec(src)\n", [["python/dynamic-code", "high", 2, 1]]);
  await expectFindings("from torch import nn\nact = getattr(nn, cfg.act)()\n", [["python/dynamic-code", "low", 2, 7]], "low on other modules");
});

test("look-alikes are left alone: methods named eval/compile, keyword names, getattr on objects, relative imports", async () => {
  await expectFindings(
    [
      "import re",
      "import torch",
      "from .utils import system",
      "model.eval()",
      "pattern = re.compile('x')",
      "fast = torch.compile(model)",
      "print(1, eval=2)",
      "size = getattr(config, 'hidden_size', 8)",
      "value = getattr(self, name)",
      "system('not os.system: a local helper')",
      "def exec_model(x):",
      "    return x",
      "",
    ].join("\n"),
    [],
  );
});

test("network: calls into socket, urllib.request, requests, http.client, httpx, aiohttp (medium)", async () => {
  await expectFindings("import requests\nr = requests.get(url)\n", [["python/network", "medium", 2, 5]]);
  await expectFindings("import urllib.request\nurllib.request.urlopen(url)\n", [["python/network", "medium", 2, 1]]);
  await expectFindings("import http.client\nc = http.client.HTTPSConnection('h')\n", [["python/network", "medium", 2, 5]]);
  await expectFindings("import socket\ns = socket.socket()\n", [["python/network", "medium", 2, 5]]);
  await expectFindings("import httpx, aiohttp\nhttpx.post(u)\naiohttp.ClientSession()\n", [
    ["python/network", "medium", 2, 1],
    ["python/network", "medium", 3, 1],
  ]);
  await expectFindings("from socket import *\n", [["python/network", "medium", 1, 1]]);
  await expectFindings("from urllib.parse import urljoin\nu = urljoin(a, b)\nimport requests\n", [], "parsing URLs and importing are not network use");
});

test("file system: absolute and .. paths (medium), deletions of computed paths (low), relative paths fine", async () => {
  await expectFindings("data = open('/etc/passwd').read()\n", [["python/filesystem", "medium", 1, 8]]);
  await expectFindings("import os\nwith open(os.path.expanduser('~/.bashrc'), 'a') as f:\n    f.write(x)\n", [["python/filesystem", "medium", 2, 6]]);
  await expectFindings("from pathlib import Path\nPath('../../outside.txt').write_text(x)\n", [["python/filesystem", "medium", 2, 1]]);
  await expectFindings("import shutil\nshutil.rmtree(cache_dir)\n", [["python/filesystem", "low", 2, 1]]);
  await expectFindings("import os\nos.remove('/usr/lib/python3/site.py')\n", [["python/filesystem", "medium", 2, 1]]);
  await expectFindings("import os\nos.remove('tmp.bin')\nwith open('vocab.txt') as f:\n    pass\n", []);
});

test("obfuscation: decoded data run as code is high; an encoded literal or chr() string alone is medium", async () => {
  await expectFindings("import base64\nexec(base64.b64decode(s))\n", [
    ["python/dynamic-code", "high", 2, 1],
    ["python/obfuscation", "high", 2, 1],
  ]);
  await expectFindings("import zlib, marshal\ncode = marshal.loads(zlib.decompress(blob))\nexec(code)\n", [
    ["python/dynamic-code", "high", 3, 1],
    ["python/obfuscation", "high", 3, 1],
  ]);
  await expectFindings("import codecs\neval(codecs.decode(s, 'rot13'))\n", [
    ["python/dynamic-code", "high", 2, 1],
    ["python/obfuscation", "high", 2, 1],
  ]);
  await expectFindings(`BLOB = "${B64}"\n`, [["python/obfuscation", "medium", 1, 8]]);
  await expectFindings(`exec("${B64}")\n`, [
    ["python/dynamic-code", "high", 1, 1],
    ["python/obfuscation", "high", 1, 1],
  ]);
  await expectFindings("s = chr(111) + chr(115) + chr(46) + chr(115)\n", [["python/obfuscation", "medium", 1, 5]]);
  await expectFindings("s = ''.join(map(chr, [111, 115]))\n", [["python/obfuscation", "medium", 1, 5]]);
  await expectFindings("exec(''.join(chr(c) for c in codes))\n", [
    ["python/dynamic-code", "high", 1, 1],
    ["python/obfuscation", "high", 1, 1],
  ]);
  await expectFindings("import base64\nimg = base64.b64decode(png)\nsep = chr(10)\nhash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'\n", [], "decoding without running, short constants");
});

test("encoded blobs: long base64 or hex runs with enough distinct characters, not prose or filler", () => {
  assert.equal(isEncodedBlob(B64), true);
  assert.equal(isEncodedBlob(Buffer.alloc(150, 7).toString("hex").replace(/0/g, "a") + "0123456789abcdef".repeat(4)), true);
  assert.equal(isEncodedBlob("A".repeat(400)), false, "filler");
  assert.equal(isEncodedBlob(`${B64.slice(0, 100)}\\n${B64.slice(100, 300)}`), true, "wrapped with escaped newlines");
  assert.equal(isEncodedBlob("word ".repeat(100)), false, "prose has spaces");
  assert.equal(isEncodedBlob(B64.slice(0, 199)), false, "too short");
  assert.equal(isEncodedBlob(undefined), false);
});

test("one finding per rule and line, the most severe kept; columns count characters, not bytes", async () => {
  await expectFindings("import subprocess\nsubprocess.run(cmd, check=subprocess.call(x))\n", [["python/process-exec", "high", 2, 1]]);
  await expectFindings('label = "héllo wörld"; import os; os.system("id")\n', [["python/process-exec", "high", 1, 35]]);
});
