/** roundrobin: smooth weighted picks, zero weights, backups, exclusions. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { roundrobin } from "../../../src/lb/roundrobin.ts";
import type { LbServer } from "../../../src/lb/types.ts";
import { farm, tally } from "./fake.ts";

function srv(name: string, weight = 1, more: Partial<LbServer> = {}): LbServer {
  const usable = more.usable ?? true;
  return {
    name,
    id: 0,
    weight,
    effectiveWeight: weight,
    up: usable,
    usable,
    backup: false,
    cur: 0,
    maxconn: 0,
    ...more,
  };
}

function picks(servers: LbServer[], n: number, exclude?: Set<LbServer>): string[] {
  const b = roundrobin.create(servers);
  return Array.from({ length: n }, () => b.pick(exclude ? { exclude } : undefined)?.name ?? "-");
}

test("roundrobin() alternates equal servers in order", () => {
  assert.deepEqual(picks([srv("a"), srv("b"), srv("c")], 6), ["a", "b", "c", "a", "b", "c"]);
});

test("roundrobin() spreads weights 3:1 smoothly (no burst of the heavy server)", () => {
  const seq = picks([srv("a", 3), srv("b", 1)], 8);
  assert.deepEqual(seq, ["a", "a", "b", "a", "a", "a", "b", "a"]);
});

test("roundrobin() gives exact shares over a full cycle of weights 5:3:2", () => {
  const seq = picks([srv("a", 5), srv("b", 3), srv("c", 2)], 1000);
  const count = (n: string) => seq.filter((s) => s === n).length;
  assert.deepEqual([count("a"), count("b"), count("c")], [500, 300, 200]);
});

test("roundrobin() never picks weight 0 or unusable servers", () => {
  const seq = picks([srv("a", 0), srv("b"), srv("c", 1, { usable: false })], 5);
  assert.deepEqual(seq, ["b", "b", "b", "b", "b"]);
});

test("roundrobin() uses backups only when no active server is usable", () => {
  assert.deepEqual(picks([srv("a"), srv("bk", 1, { backup: true })], 3), ["a", "a", "a"]);
  const down = [srv("a", 1, { usable: false }), srv("bk", 1, { backup: true })];
  assert.deepEqual(picks(down, 2), ["bk", "bk"]);
});

test("roundrobin() returns null when nothing is usable", () => {
  assert.deepEqual(picks([srv("a", 1, { usable: false })], 1), ["-"]);
});

test("roundrobin() skips excluded servers while another is usable", () => {
  const a = srv("a"), b = srv("b");
  assert.deepEqual(picks([a, b], 3, new Set([a])), ["b", "b", "b"]);
  assert.deepEqual(picks([a, b], 2, new Set([a, b])), ["a", "b"], "all excluded: retry them all");
});

test("roundrobin() follows a weight change at once, off its share by at most one pick", () => {
  const servers = farm(["a", "b"], [1, 1]);
  const b = roundrobin.create(servers);
  const near = (got: number | undefined, want: number) =>
    assert.ok(Math.abs((got ?? 0) - want) <= 1, `got ${got}, expected ${want} ± 1`);
  for (let i = 0; i < 3; i++) b.pick(); // mid-cycle
  servers[1]!.effective = 3; // b's effective weight now 3 (say, back to whole after a slowstart)
  const counts = tally(Array.from({ length: 400 }, () => b.pick()?.name));
  near(counts.get("a"), 100);
  near(counts.get("b"), 300);
  servers[1]!.effective = 1 / 16; // fractions (a ramp's steps) add up exactly too
  const more = tally(Array.from({ length: 1700 }, () => b.pick()?.name));
  near(more.get("a"), 1600);
  near(more.get("b"), 100);
});

test("roundrobin() brings a server back neutral: no burst, no starvation", () => {
  const servers = farm(["a", "b", "c"]);
  const b = roundrobin.create(servers);
  for (let i = 0; i < 4; i++) b.pick();
  servers[1]!.up = false;
  for (let i = 0; i < 5; i++) assert.notEqual(b.pick()?.name, "b");
  servers[1]!.up = true;
  const next = Array.from({ length: 3 }, () => b.pick()?.name).sort();
  assert.deepEqual(next, ["a", "b", "c"]);
});
