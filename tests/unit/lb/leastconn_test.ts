/** leastconn: fewest connections for the weight, round-robin among equals. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { leastconn } from "../../../src/lb/leastconn.ts";
import { farm } from "./fake.ts";

test("leastconn() sends new connections to the idle server while others hold long ones", () => {
  const servers = farm(["a", "b", "c"]);
  servers[0]!.cur = 40;
  servers[2]!.cur = 35;
  const b = leastconn.create(servers);
  const seq: string[] = [];
  for (let i = 0; i < 30; i++) {
    const s = b.pick()!;
    s.cur++;
    seq.push(s.name);
  }
  assert.ok(seq.every((n) => n === "b"), seq.join(" "));
  assert.equal(b.pick()?.name, "b");
});

test("leastconn() rotates among servers of equal load", () => {
  const b = leastconn.create(farm(["a", "b", "c"]));
  assert.deepEqual(Array.from({ length: 6 }, () => b.pick()?.name), ["a", "b", "c", "a", "b", "c"]);
});

test("leastconn() weighs load: weight 2 with 3 connections beats weight 1 with 2", () => {
  const servers = farm(["a", "b"], [1, 2]);
  servers[0]!.cur = 2;
  servers[1]!.cur = 3;
  assert.equal(leastconn.create(servers).pick()?.name, "b");
});

test("leastconn() keeps connections in proportion to weights as they open", () => {
  const servers = farm(["a", "b"], [1, 3]);
  const b = leastconn.create(servers);
  for (let i = 0; i < 40; i++) b.pick()!.cur++;
  assert.deepEqual(servers.map((s) => s.cur), [10, 30]);
});
