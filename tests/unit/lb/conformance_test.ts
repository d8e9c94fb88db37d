/** Runs the conformance suite over every registered algorithm, in each of its hash settings. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseBalance } from "../../../src/lb/parse.ts";
import { balanceNames, isHashed } from "../../../src/lb/registry.ts";
import { type ConformanceCase, runConformance } from "./conformance.ts";

const plain: ConformanceCase[] = [
  { spec: "roundrobin" },
  { spec: "static-rr" },
  { spec: "leastconn" },
  {
    spec: "first",
    skip: {
      distribution: "first fills servers in id order and ignores weights",
      slowstart: "first ignores weights (HAProxy's slowstart ramps its maxconn, not done here)",
    },
  },
  { spec: "random" },
  { spec: "random(3)" },
];

/**
 * Why plain sdbm (HAProxy's default, reproduced exactly) cannot spread the whole-URI keys: 65599 is
 * 1 modulo 2, 3 and 6, so sdbm modulo the map's 6 slots is the sum of the bytes modulo 6, and these
 * keys hold their number twice, so their sums are all even (HAProxy advises `avalanche`).
 */
const SDBM_SUM = "sdbm % 6 is the byte sum % 6, even for keys holding their number twice";

/**
 * Every hash-based setup runs map-based (tsproxy's hash, HAProxy's default sdbm, sdbm avalanche),
 * consistent, and consistent with a balance factor.
 */
const SDBM_SKIP = {
  skip: {
    distribution: SDBM_SUM,
    slowstart: `the static share check needs an even split; ${SDBM_SUM}`,
  },
};

const hashed: ConformanceCase[] = [
  "source",
  "uri",
  "uri whole path-only",
  "url_param userid",
  "hdr(x-user)",
  "hdr(host) use_domain_only",
  // The contexts carry a precomputed `key`, which `hash` takes over its expression (see hash_test).
  "hash path",
].flatMap((spec) => [
  { spec },
  { spec, options: { hashFunction: "sdbm" }, ...(spec.includes("whole") ? SDBM_SKIP : {}) },
  { spec, options: { hashFunction: "sdbm avalanche" } },
  { spec, options: { hashType: "consistent" } },
  { spec, options: { hashType: "consistent", hashBalanceFactor: 150 } },
]);

const cases = [...plain, ...hashed];

test("conformance cases cover every registered algorithm", () => {
  const covered = new Set(cases.map((c) => c.spec.split(/[\s(]/)[0]));
  assert.deepEqual(balanceNames.filter((n) => !covered.has(n)), []);
  for (const c of hashed) {
    const parsed = parseBalance(c.spec);
    assert.ok(parsed.ok && isHashed(parsed.spec), `${c.spec} is not hash-based`);
  }
});

for (const c of cases) runConformance(c);
