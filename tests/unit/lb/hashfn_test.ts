/** HAProxy's key hashes, checked against values HAProxy 2.6 printed (`%[path,sdbm]` etc. in a return rule). */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  addressBytes,
  addressHash,
  crc32,
  djb2,
  fullHash,
  hasherFor,
  sdbm,
  wt6,
} from "../../../src/lb/_hash.ts";
import { source } from "../../../src/lb/source.ts";
import { farm } from "./fake.ts";

/** path → [sdbm, djb2, wt6, crc32, then the same with avalanche], from haproxy 2.6.12 converters. */
const VECTORS: Record<string, number[]> = {
  "/": [47, 177620, 1886637733, 2043925204, 2118074832, 3725504903, 2250254464, 2724628003],
  "/a": [3083250, 5861557, 1404582375, 1768979292, 1743195586, 3623408593, 652714202, 2112193429],
  "/item/1": [
    3258759684,
    587907459,
    1452715251,
    2282088835,
    973480367,
    1311819927,
    4206096172,
    2311848722,
  ],
  "/hello/world/x.html": [
    4129964714,
    2903425065,
    151629984,
    164696232,
    2309880437,
    1320649797,
    3358364230,
    726505344,
  ],
  "/%C3%A9t%C3%A9": [
    1542375685,
    3345611068,
    1802817806,
    3524982200,
    4222855295,
    2495789359,
    2731390763,
    506899096,
  ],
  "/abcdefghijklmnopqrstuvwxyz0123456789": [
    4160585729,
    2352373344,
    289509667,
    3175957009,
    534651118,
    3230586083,
    2879826463,
    1396466106,
  ],
};

test("sdbm, djb2, wt6, crc32 and the avalanche modifier give HAProxy's values", () => {
  for (const [path, want] of Object.entries(VECTORS)) {
    const plain = [sdbm, djb2, wt6, crc32].map((f) => f(path));
    assert.deepEqual([...plain, ...plain.map(fullHash)], want, path);
  }
});

test("hasherFor() names the function and the modifier as hash-type does", () => {
  assert.equal(hasherFor("sdbm").text("/a"), 3083250);
  assert.equal(hasherFor("crc32 avalanche").text("/a"), 2112193429);
  assert.equal(hasherFor("fnv1a").haproxy, false);
  assert.equal(hasherFor(undefined).haproxy, false);
  assert.equal(hasherFor("wt6").haproxy, true);
});

test("addressHash() is HAProxy's source hash: an IPv4 address as a number, IPv6 words XORed", () => {
  assert.equal(addressHash("127.0.0.1"), 0x7f000001);
  assert.equal(addressHash("192.0.2.255"), 0xc00002ff);
  assert.equal(addressHash("2001:db8::1"), (0x20010db8 ^ 0 ^ 0 ^ 1) >>> 0);
  assert.equal(addressHash("not an address"), 0);
  assert.equal(addressHash("1.2.3.256"), 0);
});

test("addressBytes() gives an address's bytes as latin1 text (what HAProxy's hash src hashes)", () => {
  assert.equal(addressBytes("1.2.3.4"), "\x01\x02\x03\x04");
  assert.equal(addressBytes("::1").length, 16);
});

test("source() with an HAProxy function takes slot address % total weight (get_server_sh)", () => {
  const b = source.create(farm(["a", "b", "c"]), {}, { hashFunction: "sdbm" });
  // 127.0.0.1 is 0x7f000001 = 2130706433, % 3 = 2: slot 2 of a b c.
  const picks = ["127.0.0.1", "127.0.0.2", "127.0.0.3"].map((src) => b.pick({ src })?.name);
  assert.deepEqual(picks, ["c", "a", "b"]);
});
