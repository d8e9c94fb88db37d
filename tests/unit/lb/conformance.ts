/** The conformance suite every balancing algorithm runs: weights, down and up servers, backups, exclusions. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseBalance } from "../../../src/lb/parse.ts";
import { createBalancer, isHashed } from "../../../src/lb/registry.ts";
import type { Balancer, BalancerOptions } from "../../../src/lb/types.ts";
import { contextFor, FakeServer, farm, seeded, tally } from "./fake.ts";

/** One algorithm setup to check: a `balance` line and backend options. */
export interface ConformanceCase {
  /** As written in the config, e.g. "hdr(x-user)". */
  readonly spec: string;
  readonly options?: BalancerOptions;
  /** Checks this setup skips, each with the reason. */
  readonly skip?: { readonly distribution?: string; readonly slowstart?: string };
}

/** Picks in the distribution check, and how many connections stay open at once meanwhile. */
const PICKS = 6000;
const HELD = 60;
/** Largest departure from a server's weight share in the distribution check, relative. */
const TOLERANCE = 0.1;

/** A fresh balancer of `c` over `servers` (`random` gets a seeded source so runs repeat). */
export function build(c: ConformanceCase, servers: FakeServer[]): Balancer<FakeServer> {
  const parsed = parseBalance(c.spec);
  if (!parsed.ok) throw new TypeError(`conformance: bad spec "${c.spec}": ${parsed.error}`);
  return createBalancer(parsed.spec, servers, { random: seeded(42), ...c.options });
}

/**
 * `n` picks, each with a new key (`contextFor(i)`), each holding a connection (`cur`) while the
 * next `HELD` picks happen, as long-lived traffic does. Returns the picks per server name.
 */
export function simulate(b: Balancer<FakeServer>, n: number, from = 0): Map<string, number> {
  const held: FakeServer[] = [];
  const names: (string | undefined)[] = [];
  for (let i = from; i < from + n; i++) {
    const s = b.pick(contextFor(i));
    names.push(s?.name);
    if (s === null) continue;
    s.cur++;
    held.push(s);
    if (held.length > HELD) held.shift()!.cur--;
  }
  for (const s of held) s.cur--;
  return tally(names);
}

function label(c: ConformanceCase): string {
  const o = c.options;
  const extra = [
    o?.hashType,
    o?.hashFunction,
    o?.hashBalanceFactor ? `factor ${o.hashBalanceFactor}` : "",
  ]
    .filter(Boolean).join(", ");
  return extra ? `${c.spec} (${extra})` : c.spec;
}

/**
 * True when `c` is a static algorithm (HAProxy's: static-rr, map-based hashing): weights are the
 * configured ones, a later weight counts only as 0 or not 0, and slowstart does not apply.
 */
export function isStatic(c: ConformanceCase): boolean {
  const parsed = parseBalance(c.spec);
  if (!parsed.ok) throw new TypeError(`conformance: bad spec "${c.spec}": ${parsed.error}`);
  if (parsed.spec.name === "static-rr") return true;
  return isHashed(parsed.spec) && c.options?.hashType !== "consistent";
}

/** Registers the suite's tests for `c`. */
export function runConformance(c: ConformanceCase): void {
  const name = label(c);

  // A check that does not apply to an algorithm is not registered (the case says why), rather than
  // reported as skipped.
  if (c.skip?.distribution === undefined) {
    test(`${name}: spreads picks in proportion to weights`, () => {
      const servers = farm(["a", "b", "c"], [10, 20, 30]);
      const counts = simulate(build(c, servers), PICKS);
      for (const s of servers) {
        const expected = (PICKS * s.weight) / 60, got = counts.get(s.name) ?? 0;
        assert.ok(
          Math.abs(got - expected) <= expected * TOLERANCE,
          `${s.name} (weight ${s.weight}) got ${got} picks, expected ${expected} ± ${
            TOLERANCE * 100
          }%`,
        );
      }
    });
  }

  test(`${name}: never picks a down server, picks it again once it is back up`, () => {
    const servers = farm(["a", "b", "c"]);
    const b = build(c, servers);
    servers[1]!.up = false;
    assert.equal(simulate(b, 300).get("b"), undefined, "b was picked while down");
    servers[1]!.up = true;
    // `first` only reaches b once a is full.
    servers[0]!.maxconn = 1;
    servers[0]!.cur = 1;
    assert.ok((simulate(b, 300, 300).get("b") ?? 0) > 0, "b was never picked once back up");
  });

  test(`${name}: never picks a server of weight 0`, () => {
    const servers = farm(["a", "b", "c"], [1, 0, 1]);
    const b = build(c, servers);
    assert.equal(simulate(b, 300).get("b"), undefined);
    servers[1]!.weight = 2;
    servers[0]!.weight = 0;
    const counts = simulate(b, 300, 300);
    assert.equal(counts.get("a"), undefined, "a was picked at weight 0");
    // A static algorithm never takes b: its configured weight is 0.
    if (!isStatic(c)) assert.ok((counts.get("b") ?? 0) > 0);
  });

  test(`${name}: uses backups only when every active server is down`, () => {
    const servers = [
      ...farm(["a", "b"]),
      new FakeServer("bk1", { id: 3, backup: true }),
      new FakeServer("bk2", { id: 4, backup: true }),
    ];
    const b = build(c, servers);
    const before = simulate(b, 200);
    assert.ok(
      !before.has("bk1") && !before.has("bk2"),
      "a backup was picked while a and b were up",
    );
    servers[0]!.up = servers[1]!.up = false;
    const after = simulate(b, 200, 200);
    assert.deepEqual([...after.keys()].filter((n) => !n.startsWith("bk")), []);
    assert.ok(after.size > 0);
  });

  test(`${name}: returns null when every server is down`, () => {
    const servers = [...farm(["a", "b"]), new FakeServer("bk", { id: 3, backup: true })];
    const b = build(c, servers);
    for (const s of servers) s.up = false;
    assert.equal(b.pick(contextFor(1)), null);
    assert.equal(b.pick(), null);
    assert.equal(build(c, []).pick(contextFor(1)), null, "no servers at all");
  });

  test(`${name}: skips excluded servers while another is usable`, () => {
    const servers = farm(["a", "b", "c"]);
    const b = build(c, servers);
    const exclude = new Set([servers[0]!, servers[1]!]);
    for (let i = 0; i < 100; i++) {
      assert.equal(b.pick({ ...contextFor(i), exclude })?.name, "c");
    }
    const all = new Set(servers);
    assert.ok(b.pick({ ...contextFor(1), exclude: all }), "all excluded: one is tried again");
  });

  test(`${name}: picks without any context`, () => {
    const servers = farm(["a", "b"]);
    const b = build(c, servers);
    assert.ok(b.pick() !== null && b.pick({}) !== null);
  });

  if (c.skip?.slowstart === undefined) {
    test(`${name}: ${isStatic(c) ? "ignores" : "follows"} a warming server's effective weight`, () => {
      const servers = farm(["a", "b"], [4, 4]);
      servers[1]!.effective = 0.25; // 1/16 of 4: b just came back, slowstart has begun
      const b = build(c, servers);
      const share = (simulate(b, 1600).get("b") ?? 0) / 1600;
      if (isStatic(c)) {
        assert.ok(Math.abs(share - 0.5) < 0.1, `b got ${share} of the picks, expected about 0.5`);
      } else assert.ok(share < 0.2, `b got ${share} of the picks at 1/16 of a's weight`);
    });
  }
}
