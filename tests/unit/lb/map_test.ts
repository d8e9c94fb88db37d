/** ServerMap (HAProxy's lb_map.c) through static-rr and map-based hashing: slot order, gcd, backups, rebuilds. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ServerMap } from "../../../src/lb/_map.ts";
import { staticRr } from "../../../src/lb/static_rr.ts";
import { uri } from "../../../src/lb/uri.ts";
import { FakeServer, farm, request } from "./fake.ts";

function order(names: string[], weights: number[], n?: number): string {
  const b = staticRr.create(farm(names, weights));
  const total = weights.reduce((a, w) => a + w, 0);
  return Array.from({ length: n ?? total }, () => b.pick()?.name ?? "-").join("");
}

test("static-rr() follows HAProxy 2.6's map order (seen on haproxy -db)", () => {
  assert.equal(order(["a", "b", "c"], [1, 2, 3], 12), "acbcbcacbcbc");
  assert.equal(order(["a", "b"], [5, 1], 12), "aaaaabaaaaab");
  assert.equal(order(["a", "b", "c"], [1, 0, 2], 6), "accacc");
  assert.equal(order(["a", "b", "c"], [1, 1, 1], 6), "abcabc");
});

test("ServerMap divides weights by their gcd: 10, 20, 30 is the map of 1, 2, 3", () => {
  const map = new ServerMap(farm(["a", "b", "c"], [10, 20, 30]));
  assert.equal(map.size, 6);
  assert.equal(order(["a", "b", "c"], [10, 20, 30], 6), "acbcbc");
});

test("ServerMap uses every UP backup when no active server is UP (option allbackups)", () => {
  const servers = [
    ...farm(["a"], [2]),
    new FakeServer("b1", { id: 2, backup: true, weight: 1 }),
    new FakeServer("b2", { id: 3, backup: true, weight: 2 }),
  ];
  const b = staticRr.create(servers);
  assert.equal(Array.from({ length: 4 }, () => b.pick()?.name).join(" "), "a a a a");
  servers[0]!.up = false;
  // The map is b1 b2 b2; the walk goes on from index 2 (4 picks in a map of 2 slots).
  assert.equal(Array.from({ length: 6 }, () => b.pick()?.name).join(" "), "b2 b1 b2 b2 b1 b2");
});

test("ServerMap rebuilds when a server goes down and keeps its place (rr index) when it can", () => {
  const servers = farm(["a", "b", "c"]);
  const b = staticRr.create(servers);
  assert.deepEqual([b.pick()?.name, b.pick()?.name], ["a", "b"]);
  servers[2]!.up = false; // the map becomes a b; the index (2) is past its end: back to 0
  assert.deepEqual([b.pick()?.name, b.pick()?.name, b.pick()?.name], ["a", "b", "a"]);
  servers[2]!.up = true; // a b c again, from index 1
  assert.deepEqual([b.pick()?.name, b.pick()?.name, b.pick()?.name], ["b", "c", "a"]);
});

test("ServerMap skips a full server and an excluded one without rebuilding (HAProxy's walk)", () => {
  const servers = farm(["a", "b", "c"]);
  const map = new ServerMap(servers);
  servers[0]!.maxconn = 1;
  servers[0]!.cur = 1;
  assert.equal(map.size, 3, "a full server keeps its slots");
  assert.equal(map.lookup(0)?.name, "b", "slot 0 is a's: the next slot takes it");
  assert.equal(map.lookup(0, { exclude: new Set([servers[1]!]) })?.name, "c");
  const all = new Set(servers);
  assert.equal(map.lookup(1, { exclude: all })?.name, "b", "all excluded: the slot's own server");
  servers[1]!.up = servers[2]!.up = false;
  assert.equal(map.lookup(5), null, "only a full server left: none");
});

test("map-based uri: a key's server is slot hash % total weight of the interleaved map", () => {
  const servers = farm(["a", "b", "c"], [1, 2, 3]);
  const b = uri.create(servers, { len: 0, depth: 0, whole: false, pathOnly: false }, {
    hashFunction: "sdbm",
  });
  // sdbm("/") = 47, 47 % 6 = 5: slot 5 of a c b c b c. sdbm("/a") = 3083250, % 6 = 0: a.
  assert.equal(b.pick({ http: request("/") })?.name, "c");
  assert.equal(b.pick({ http: request("/a?x=1") })?.name, "a");
  // sdbm("/item/1") = 3258759684, % 6 = 0 → a; with c down the map is a b b (weights 1, 2): % 3 = 0.
  servers[2]!.up = false;
  assert.equal(b.pick({ http: request("/item/1") })?.name, "a");
});
