/**
 * PEP 440 ordering and equality as Python's `packaging` defines them. The vectors are written from
 * PEP 440 (its "Summary of permitted suffixes and relative ordering" example list, the epoch, local
 * version and normalisation sections) and packaging's documented behaviour (`Version` equality is
 * by the normalised key: implicit zeros, alternative spellings, case, `v` prefix, whitespace).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { canonicalPep440, comparePep440, isPep440, normalizePypiName } from "../../src/deps/version/pep440.js";

/** Strictly increasing, from PEP 440's ordering example, extended with epochs and local versions. */
const ORDERED = [
  "0.9",
  "1.0.dev456",
  "1.0a1",
  "1.0a2.dev456",
  "1.0a12.dev456",
  "1.0a12",
  "1.0b1.dev456",
  "1.0b2",
  "1.0b2.post345.dev456",
  "1.0b2.post345",
  "1.0b2-346",
  "1.0c1.dev456",
  "1.0c1",
  "1.0rc2",
  "1.0c3",
  "1.0",
  "1.0+abc",
  "1.0+abc.5",
  "1.0+abc.7",
  "1.0+5",
  "1.0.post456.dev34",
  "1.0.post456",
  "1.0.1",
  "1.1.dev1",
  "1.1",
  "1.2",
  "1.10",
  "1.10.1",
  "2.0.0a1",
  "2.0",
  "10.0",
  "1!0.1",
  "1!1.0.dev1",
  "1!1.0",
  "2!0.0.1",
];

/** Pairs packaging treats as the same version. */
const EQUAL: [string, string][] = [
  ["1.0", "1.0.0"],
  ["1.0", "1.0.0.0.0"],
  ["1", "1.0"],
  ["v1.0", "1.0"],
  ["V1.0", "1.0"],
  [" 1.0\n", "1.0"],
  ["1.01", "1.1"],
  ["0!1.0", "1.0"],
  ["1.0a1", "1.0alpha1"],
  ["1.0a1", "1.0-a1"],
  ["1.0a1", "1.0_a_1"],
  ["1.0a1", "1.0.a.1"],
  ["1.0A1", "1.0a1"],
  ["1.0b1", "1.0beta1"],
  ["1.0rc1", "1.0c1"],
  ["1.0rc1", "1.0pre1"],
  ["1.0rc1", "1.0preview1"],
  ["1.0RC1", "1.0rc1"],
  ["1.0a", "1.0a0"],
  ["1.0.post1", "1.0-1"],
  ["1.0.post1", "1.0post1"],
  ["1.0.post1", "1.0.rev1"],
  ["1.0.post1", "1.0-r1"],
  ["1.0.post0", "1.0.post"],
  ["1.0.dev0", "1.0.dev"],
  ["1.0.dev0", "1.0-dev"],
  ["1.0+ubuntu-1", "1.0+ubuntu.1"],
  ["1.0+ubuntu_1", "1.0+ubuntu.1"],
  ["1.0+Ubuntu.1", "1.0+ubuntu.1"],
  ["1.0+ubuntu.01", "1.0+ubuntu.1"],
];

const INVALID = ["", "1.0.*", "2004d", "1.0+", "abc", "1.0-", "1.0..1", "1.0+abc!", "==1.0", "1.0 1"];

describe("PEP 440 ordering", () => {
  it("orders PEP 440's example list strictly, in both directions", () => {
    for (let i = 0; i < ORDERED.length; i++) {
      for (let j = 0; j < ORDERED.length; j++) {
        const expected = Math.sign(i - j);
        assert.equal(comparePep440(ORDERED[i]!, ORDERED[j]!), expected, `${ORDERED[i]} vs ${ORDERED[j]}`);
      }
    }
  });

  it("sorts a shuffled list back into PEP order", () => {
    const shuffled = [...ORDERED].reverse().sort((a, b) => (a.length - b.length) || (a < b ? 1 : -1));
    assert.deepEqual(shuffled.sort(comparePep440), ORDERED);
  });

  for (const [a, b] of EQUAL) {
    it(`${JSON.stringify(a)} equals ${JSON.stringify(b)} (compare and canonical key)`, () => {
      assert.equal(comparePep440(a, b), 0);
      assert.equal(canonicalPep440(a), canonicalPep440(b));
    });
  }

  it("keeps versions that differ apart in the canonical key", () => {
    const keys = ORDERED.map((v) => canonicalPep440(v));
    assert.equal(new Set(keys).size, ORDERED.length);
    assert.notEqual(canonicalPep440("1!1.0"), canonicalPep440("1.0"));
    assert.notEqual(canonicalPep440("1.0+abc"), canonicalPep440("1.0"));
  });

  it("pre-releases of a post release, dev releases of a pre-release", () => {
    assert.ok(comparePep440("1.0.post1.dev1", "1.0.post1") < 0);
    assert.ok(comparePep440("1.0a1.dev1", "1.0a1") < 0);
    assert.ok(comparePep440("1.0.dev1", "1.0a1.dev1") < 0);
    assert.ok(comparePep440("1.0a1.post1", "1.0a2") < 0);
    assert.ok(comparePep440("1.0", "1.0.post1.dev1") < 0);
  });

  for (const v of INVALID) {
    it(`rejects ${JSON.stringify(v)}`, () => {
      assert.equal(isPep440(v), false);
      assert.equal(canonicalPep440(v), undefined);
      assert.throws(() => comparePep440(v, "1.0"), TypeError);
    });
  }
});

describe("PEP 503 names", () => {
  it("lower-cases and folds runs of -, _ and .", () => {
    assert.equal(normalizePypiName("Zope.Interface"), "zope-interface");
    assert.equal(normalizePypiName("zope__interface"), "zope-interface");
    assert.equal(normalizePypiName("Demo_Pkg"), "demo-pkg");
    assert.equal(normalizePypiName("a-_.-b"), "a-b");
  });
});
