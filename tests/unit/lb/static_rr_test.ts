/** static-rr: round-robin by the initial weights; a later weight counts only as 0 or not 0. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { staticRr } from "../../../src/lb/static_rr.ts";
import { farm, tally } from "./fake.ts";

test("static-rr() keeps the configured weights when a weight changes at run time", () => {
  const servers = farm(["a", "b"], [3, 1]);
  const b = staticRr.create(servers);
  servers[1]!.weight = 100;
  const counts = tally(Array.from({ length: 400 }, () => b.pick()?.name));
  assert.deepEqual([counts.get("a"), counts.get("b")], [300, 100]);
});

test("static-rr() drops a server set to weight 0 and takes it back at its old weight", () => {
  const servers = farm(["a", "b"], [3, 1]);
  const b = staticRr.create(servers);
  servers[0]!.weight = 0;
  assert.deepEqual(Array.from({ length: 3 }, () => b.pick()?.name), ["b", "b", "b"]);
  servers[0]!.weight = 50;
  const counts = tally(Array.from({ length: 400 }, () => b.pick()?.name));
  assert.deepEqual([counts.get("a"), counts.get("b")], [300, 100]);
});
