/** Consistent hashing: adding or removing one of N servers moves about 1/N of the keys, and only theirs. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseBalance } from "../../../src/lb/parse.ts";
import { createBalancer } from "../../../src/lb/registry.ts";
import type { BalancerOptions } from "../../../src/lb/types.ts";
import { type FakeServer, farm } from "./fake.ts";

const KEYS = 20_000;
const names = (n: number) => Array.from({ length: n }, (_, i) => `s${i + 1}`);

/** Where each of KEYS keys goes with `hash` over `servers`. */
function placement(servers: FakeServer[], options: BalancerOptions): (string | undefined)[] {
  const parsed = parseBalance("hash path");
  assert.ok(parsed.ok);
  const b = createBalancer(parsed.spec, servers, options);
  return Array.from({ length: KEYS }, (_, i) => b.pick({ key: `user-${i}` })?.name);
}

function moved(a: (string | undefined)[], b: (string | undefined)[]): number[] {
  return a.flatMap((name, i) => (name === b[i] ? [] : [i]));
}

const consistent: BalancerOptions = { hashType: "consistent" };

test("consistent hash: an 11th server among 10 takes about 1/11 of the keys, from the others only", () => {
  const before = placement(farm(names(10)), consistent);
  const after = placement(farm(names(11)), consistent);
  const m = moved(before, after);
  const share = m.length / KEYS;
  assert.ok(Math.abs(share - 1 / 11) <= 0.05, `moved ${(share * 100).toFixed(1)}% of keys`);
  assert.ok(m.every((i) => after[i] === "s11"), "a key moved between two old servers");
});

test("consistent hash: removing one of 10 servers moves only its keys, about 1/10", () => {
  const servers = farm(names(10));
  const before = placement(servers, consistent);
  const removed = placement(servers.filter((s) => s.name !== "s4"), consistent);
  servers[3]!.up = false;
  const down = placement(servers, consistent);
  for (const after of [removed, down]) {
    const m = moved(before, after);
    assert.ok(Math.abs(m.length / KEYS - 1 / 10) <= 0.05, `moved ${m.length} keys`);
    assert.ok(m.every((i) => before[i] === "s4"), "a key of a remaining server moved");
  }
});

test("consistent hash: reordering the servers moves no key (points are keyed by name)", () => {
  const servers = farm(names(5));
  assert.deepEqual(placement([...servers].reverse(), consistent), placement(servers, consistent));
});

test("map-based hash: adding an 11th server remaps most keys (why consistent exists)", () => {
  const m = moved(placement(farm(names(10)), {}), placement(farm(names(11)), {}));
  assert.ok(m.length / KEYS > 0.5, `moved only ${m.length} keys`);
});

test("consistent hash: raising a weight moves keys only to that server, about in proportion", () => {
  const servers = farm(names(4));
  const before = placement(servers, consistent);
  servers[0]!.weight = 2;
  const after = placement(servers, consistent);
  const m = moved(before, after);
  assert.ok(m.every((i) => after[i] === "s1"), "a key moved to another server than s1");
  const share = (list: (string | undefined)[]) => list.filter((n) => n === "s1").length / KEYS;
  const ratio = share(after) / share(before);
  // s1's share goes from 1/4 to 2/5 of the keys in expectation: 1.6 times.
  assert.ok(Math.abs(ratio - 1.6) < 0.3, `s1's share grew ${ratio.toFixed(2)} times`);
});

test("consistent hash: hashBalanceFactor keeps every server within factor% of its share", () => {
  const servers = farm(["a", "b", "c"]);
  const parsed = parseBalance("hash path");
  assert.ok(parsed.ok);
  const b = createBalancer(parsed.spec, servers, {
    hashType: "consistent",
    hashBalanceFactor: 125,
  });
  // Every key is the same: without the factor one server would take all 30 connections.
  for (let i = 0; i < 30; i++) b.pick({ key: "hot" })!.cur++;
  for (const s of servers) {
    assert.ok(s.cur <= Math.ceil((30 * 1.25) / 3), `${s.name} holds ${s.cur} of 30`);
  }
});
