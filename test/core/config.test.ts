/**
 * vouch.yaml loading: where the file may come from, validation errors naming key path and file, and
 * the defaults -> config -> flags precedence of scan settings. Files are written to a temp folder.
 */
import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VouchError } from "../../src/core/errors.js";
import { DEFAULT_FAIL_ON, defaultConfig, loadConfig, parseConfig, settingsFromConfig } from "../../src/core/config.js";
import { DEFAULT_BUDGETS, defaultSettings } from "../../src/scan/settings.js";

let tmp: string;

beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), "vouch-config-"));
});

afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const DIGEST = `sha256:${"ab".repeat(32)}`;

const FULL = `
scan:
  strict: true
  failOn: medium
  digest: false
  pickle:
    allow: ["mypkg.models.MyNet", "mypkg.layers.*"]
    deny:  ["somepkg.dangerous_fn"]
  budgets: { maxDepth: 3, pickleNesting: 2 }
suppressions:
  - rule: pickle/unknown-class
    path: models/custom.pt
    reason: "reviewed in SEC-123"
    owner: alice@example.com
    expires: 2027-01-31
  - rule: pickle/*
    digest: ${DIGEST.toUpperCase().replace("SHA256", "sha256")}
    reason: vendored, audited
    owner: bob@example.com
`;

function configError(text: string, check: (e: VouchError) => void): void {
  assert.throws(
    () => parseConfig(text, "/work/vouch.yaml"),
    (e: unknown) => {
      assert.ok(e instanceof VouchError);
      assert.equal(e.code, "E_CONFIG");
      assert.equal(e.file, "/work/vouch.yaml");
      check(e);
      return true;
    },
  );
}

describe("parseConfig", () => {
  it("reads every documented key", () => {
    const c = parseConfig(FULL, "/work/vouch.yaml");
    assert.equal(c.file, "/work/vouch.yaml");
    assert.deepEqual(c.scan, {
      strict: true,
      failOn: "medium",
      digest: false,
      pickle: { allow: ["mypkg.models.MyNet", "mypkg.layers.*"], deny: ["somepkg.dangerous_fn"] },
      budgets: { maxDepth: 3, pickleNesting: 2 },
    });
    assert.deepEqual(c.suppressions, [
      { rule: "pickle/unknown-class", path: "models/custom.pt", reason: "reviewed in SEC-123", owner: "alice@example.com", expires: "2027-01-31" },
      // The digest is normalised to lower case so it compares equal to report digests.
      { rule: "pickle/*", digest: DIGEST, reason: "vendored, audited", owner: "bob@example.com" },
    ]);
  });

  it("fills defaults for an empty file and for missing sections", () => {
    for (const text of ["", "# nothing\n", "scan: {}\n", "suppressions: []\n"]) {
      const c = parseConfig(text, "/work/vouch.yaml");
      assert.deepEqual(c.scan, { strict: false, failOn: DEFAULT_FAIL_ON, digest: true, pickle: { allow: [], deny: [] }, budgets: {} });
      assert.deepEqual(c.suppressions, []);
    }
  });

  it("hands out fresh default objects: changing one parse's lists does not leak into the next", () => {
    const first = parseConfig("", "f");
    first.scan.pickle.allow.push("leaked.Name");
    first.suppressions.push({ rule: "a/b", reason: "r", owner: "o" });
    first.scan.budgets.maxDepth = 1;
    const second = parseConfig("", "f");
    assert.deepEqual(second.scan.pickle.allow, []);
    assert.deepEqual(second.suppressions, []);
    assert.deepEqual(second.scan.budgets, {});
    assert.deepEqual(defaultConfig().scan.pickle.allow, []);
  });

  it("names the key path of a bad budget", () => {
    configError("scan:\n  budgets:\n    maxDepth: -1\n", (e) => assert.match(e.message, /scan\.budgets\.maxDepth: must be a positive integer/));
    configError("scan:\n  budgets:\n    maxRatio: 1.5\n", (e) => assert.match(e.message, /scan\.budgets\.maxRatio/));
  });

  it("rejects unknown keys at every level (a typo must not silently do nothing)", () => {
    configError("scan:\n  budgets:\n    maxDepht: 3\n", (e) => assert.match(e.message, /scan\.budgets: unknown key maxDepht/));
    configError("scna: {}\n", (e) => assert.match(e.message, /unknown key scna/));
    configError(
      "suppressions:\n  - rule: a/b\n    reason: r\n    owner: o\n    ownr: x\n",
      (e) => assert.match(e.message, /suppressions\[0\]: unknown key ownr/),
    );
  });

  it("validates failOn, pickle globals and contradictory allow/deny entries", () => {
    configError("scan: { failOn: severe }\n", (e) => assert.match(e.message, /scan\.failOn: must be one of critical, high/));
    configError("scan: { pickle: { allow: ['os.system(1)'] } }\n", (e) => assert.match(e.message, /scan\.pickle\.allow\[0\]: must be `module.name`/));
    configError("scan: { pickle: { allow: [a.b, c.d], deny: [c.d] } }\n", (e) => assert.match(e.message, /scan\.pickle: c\.d listed in both allow and deny/));
  });

  it("requires rule, reason and owner on a suppression and validates the optional fields", () => {
    configError("suppressions:\n  - rule: a/b\n    owner: o\n", (e) => assert.match(e.message, /suppressions\[0\]\.reason: is required/));
    configError("suppressions:\n  - rule: a/b\n    reason: r\n", (e) => assert.match(e.message, /suppressions\[0\]\.owner: is required/));
    configError("suppressions:\n  - reason: r\n    owner: o\n", (e) => assert.match(e.message, /suppressions\[0\]\.rule: is required/));
    configError("suppressions:\n  - { rule: a/b, reason: 7, owner: o }\n", (e) => assert.match(e.message, /suppressions\[0\]\.reason: must be a string/));
    configError("suppressions:\n  - { rule: '*', path: a, reason: r, owner: o }\n", (e) => assert.match(e.message, /suppressions\[0\]\.rule: must be a rule id/));
    configError("suppressions:\n  - { rule: a/b, digest: abcd, reason: r, owner: o }\n", (e) => assert.match(e.message, /suppressions\[0\]\.digest: must be `sha256:`/));
    configError("suppressions:\n  - { rule: a/b, expires: 2027-02-30, reason: r, owner: o }\n", (e) => assert.match(e.message, /suppressions\[0\]\.expires: must be an ISO date/));
    configError("suppressions:\n  - { rule: a/b, reason: '  ', owner: o }\n", (e) => assert.match(e.message, /reason: must say why/));
  });

  it("rejects path globs that are not clean target-relative POSIX paths", () => {
    for (const bad of ["/abs/x.pt", "../x.pt", "a//b", "./a", "models/", "a**/b"]) {
      configError(`suppressions:\n  - { rule: a/b, path: '${bad}', reason: r, owner: o }\n`, (e) =>
        assert.match(e.message, /suppressions\[0\]\.path: path glob/),
      );
    }
  });

  it("requires a family rule to name a path or a digest", () => {
    configError("suppressions:\n  - { rule: pickle/*, reason: r, owner: o }\n", (e) =>
      assert.match(e.message, /suppressions\[0\]\.rule: a family rule \(ending in \/\*\) must also name a path or a digest/),
    );
    // A specific rule may stand alone.
    assert.equal(parseConfig("suppressions:\n  - { rule: pickle/multiple-pickles, reason: r, owner: o }\n", "f").suppressions.length, 1);
  });

  it("reports YAML syntax errors with line and offset, and duplicate keys", () => {
    configError("scan:\n  strict: true\n  strict: false\n", (e) => {
      assert.match(e.message, /not valid YAML: .*unique.*line 3, column 3/);
      assert.equal(e.offset, 23);
    });
    configError("scan: [1,\n", (e) => assert.match(e.message, /not valid YAML/));
  });

  it("rejects a top-level value that is not a mapping", () => {
    configError("- a\n- b\n", (e) => assert.match(e.message, /must be a mapping/));
    configError("just text\n", (e) => assert.match(e.message, /must be a mapping/));
  });
});

describe("loadConfig", () => {
  it("returns defaults when the working directory has no config file", async () => {
    assert.deepEqual(await loadConfig({ cwd: tmp }), defaultConfig());
  });

  it("reads vouch.yaml, or .vouch.yaml, from the working directory", async () => {
    await writeFile(join(tmp, "vouch.yaml"), "scan: { strict: true }\n");
    const c = await loadConfig({ cwd: tmp });
    assert.equal(c.file, join(tmp, "vouch.yaml"));
    assert.equal(c.scan.strict, true);
    await rm(join(tmp, "vouch.yaml"));
    await writeFile(join(tmp, ".vouch.yaml"), "scan: { digest: false }\n");
    assert.equal((await loadConfig({ cwd: tmp })).scan.digest, false);
  });

  it("refuses to guess when both vouch.yaml and .vouch.yaml exist", async () => {
    await writeFile(join(tmp, "vouch.yaml"), "");
    await writeFile(join(tmp, ".vouch.yaml"), "");
    await assert.rejects(loadConfig({ cwd: tmp }), (e: unknown) => e instanceof VouchError && e.code === "E_CONFIG" && /both/.test(e.message));
  });

  it("reads an explicit --config path relative to the working directory and fails when it is missing", async () => {
    await mkdir(join(tmp, "conf"));
    await writeFile(join(tmp, "conf", "ci.yaml"), "scan: { failOn: critical }\n");
    await writeFile(join(tmp, "vouch.yaml"), "scan: { failOn: low }\n");
    assert.equal((await loadConfig({ cwd: tmp, configPath: "conf/ci.yaml" })).scan.failOn, "critical");
    await assert.rejects(loadConfig({ cwd: tmp, configPath: "conf/missing.yaml" }), (e: unknown) =>
      e instanceof VouchError && e.code === "E_CONFIG" && e.file === join(tmp, "conf", "missing.yaml"),
    );
    await assert.rejects(loadConfig({ cwd: tmp, configPath: "conf" }), (e: unknown) => e instanceof VouchError && e.code === "E_CONFIG");
  });

  it("never reads a config from inside a scanned target unless it is named explicitly", async () => {
    const model = join(tmp, "model");
    await mkdir(model);
    await writeFile(join(model, "vouch.yaml"), "scan: { pickle: { allow: ['os.system'] } }\n");
    // `cd model && vouch scan .`: the model's own file would judge the model.
    await assert.rejects(loadConfig({ cwd: model, targets: ["."] }), (e: unknown) =>
      e instanceof VouchError && e.code === "E_CONFIG" && /inside the scan target/.test(e.message) && /--config/.test(e.hint ?? ""),
    );
    // Also when the target is the config file itself.
    await assert.rejects(loadConfig({ cwd: model, targets: ["vouch.yaml"] }), (e: unknown) => e instanceof VouchError && e.code === "E_CONFIG");
    // Scanning something else from there is fine; so is naming the file explicitly.
    await mkdir(join(tmp, "other"));
    assert.deepEqual((await loadConfig({ cwd: model, targets: [join(tmp, "other"), "hf://org/name"] })).scan.pickle.allow, ["os.system"]);
    assert.deepEqual((await loadConfig({ cwd: model, configPath: "vouch.yaml", targets: ["."] })).scan.pickle.allow, ["os.system"]);
  });

  it("does not take a sibling folder whose name starts with the target's for the target", async () => {
    await mkdir(join(tmp, "proj"));
    await writeFile(join(tmp, "proj", "vouch.yaml"), "");
    await mkdir(join(tmp, "pro"));
    assert.equal((await loadConfig({ cwd: join(tmp, "proj"), targets: [join(tmp, "pro")] })).file, join(tmp, "proj", "vouch.yaml"));
  });
});

describe("settingsFromConfig", () => {
  it("gives the default settings for the default config", () => {
    assert.deepEqual(settingsFromConfig(defaultConfig()), defaultSettings());
  });

  it("applies the config over defaults and flags over the config", () => {
    const config = parseConfig(FULL, "f");
    const fromConfig = settingsFromConfig(config);
    assert.equal(fromConfig.strict, true);
    assert.equal(fromConfig.digest, false);
    assert.deepEqual(fromConfig.budgets, { ...DEFAULT_BUDGETS, maxDepth: 3, pickleNesting: 2 });
    assert.deepEqual(fromConfig.pickleAllow, ["mypkg.models.MyNet", "mypkg.layers.*"]);

    const withFlags = settingsFromConfig(config, {
      strict: false,
      digest: true,
      pickleAllow: ["extra.Thing", "mypkg.layers.*"],
      pickleDeny: ["bad.fn"],
      budgets: { maxDepth: 5, maxMembers: undefined },
    });
    assert.equal(withFlags.strict, false);
    assert.equal(withFlags.digest, true);
    assert.deepEqual(withFlags.pickleAllow, ["mypkg.models.MyNet", "mypkg.layers.*", "extra.Thing"]);
    assert.deepEqual(withFlags.pickleDeny, ["somepkg.dangerous_fn", "bad.fn"]);
    // An undefined flag value does not erase the default.
    assert.deepEqual(withFlags.budgets, { ...DEFAULT_BUDGETS, maxDepth: 5, pickleNesting: 2 });
  });
});
