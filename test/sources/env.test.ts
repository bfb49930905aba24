/** Hub settings from the environment, with the Python client's precedence. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { hubSettings } from "../../src/sources/hf-env.js";
import { removeTempDirs, tempDir } from "./support.js";

test("defaults: the public Hub, ~/.cache/huggingface/hub, online, anonymous", () => {
  const home = tempDir();
  const s = hubSettings({ HF_HOME: join(home, "nothing") });
  assert.equal(s.endpoint, "https://huggingface.co");
  assert.equal(s.cacheDir, join(home, "nothing", "hub"));
  assert.equal(s.token, undefined);
  assert.equal(s.offline, false);
  assert.equal(hubSettings({}).cacheDir, join(homedir(), ".cache", "huggingface", "hub"));
  assert.equal(hubSettings({ XDG_CACHE_HOME: "/x" }).cacheDir, join("/x", "huggingface", "hub"));
  removeTempDirs();
});

test("HF_HUB_CACHE beats HF_HOME; HF_ENDPOINT loses its trailing slash; HF_HUB_OFFLINE is read like Python does", () => {
  const s = hubSettings({ HF_HUB_CACHE: "/c", HF_HOME: "/h", HF_ENDPOINT: "http://127.0.0.1:1234/", HF_HUB_OFFLINE: "TRUE" });
  assert.deepEqual(s, { endpoint: "http://127.0.0.1:1234", cacheDir: "/c", offline: true });
  assert.equal(hubSettings({ HF_HUB_OFFLINE: "0" }).offline, false);
});

test("HF_TOKEN beats the token file that `huggingface-cli login` writes under HF_HOME", () => {
  const home = tempDir();
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, "token"), "hf_from_file\n");
  assert.equal(hubSettings({ HF_HOME: home }).token, "hf_from_file");
  assert.equal(hubSettings({ HF_HOME: home, HF_TOKEN: "hf_from_env" }).token, "hf_from_env");
  removeTempDirs();
});
