/** slowstart: the ramp, Server.effectiveWeight on a fake clock, balancers following it, checks starting it. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Server } from "../../../src/backend/server.ts";
import { rampedWeight } from "../../../src/backend/slowstart.ts";
import { Checker } from "../../../src/check/mod.ts";
import { parseBalance } from "../../../src/lb/parse.ts";
import { createBalancer } from "../../../src/lb/registry.ts";
import { seeded } from "../lb/fake.ts";
import { FakeRuntime, until } from "../check/fake_runtime.ts";
import { testBackend } from "../_fixtures/backend.ts";

/** A clock a test moves by hand, counting how often it is read. */
function fakeClock(start = 1_000_000) {
  const c = { now: start, reads: 0, read: () => (c.reads++, c.now) };
  return c;
}

function server(name: string, clock: () => number, slowstart = 2000, weight = 1): Server {
  return new Server({ name, host: "127.0.0.1", port: 1, weight, slowstart, clock });
}

test("rampedWeight() starts at 1/16, grows in 16 steps and is whole at the end", () => {
  assert.equal(rampedWeight(4, 0, 2000), 0.25);
  assert.equal(rampedWeight(4, 124, 2000), 0.25, "still step 1");
  assert.equal(rampedWeight(4, 125, 2000), 0.5, "step 2 at 1/16 of the period");
  assert.equal(rampedWeight(4, 1000, 2000), 2.25, "step 9 at half the period");
  assert.equal(rampedWeight(4, 1999, 2000), 4, "step 16 in the last sixteenth");
  assert.equal(rampedWeight(4, 2000, 2000), 4);
  assert.equal(rampedWeight(4, -5, 2000), 4, "a clock gone backwards: whole");
  assert.equal(rampedWeight(4, 10, 0), 4, "no slowstart: whole");
  const steps = new Set(Array.from({ length: 2000 }, (_, t) => rampedWeight(16, t, 2000)));
  assert.equal(steps.size, 16);
});

test("Server.effectiveWeight is whole at start and reads no clock until the server comes back", () => {
  const clock = fakeClock();
  const s = server("a", clock.read, 2000, 8);
  assert.equal(s.effectiveWeight, 8, "slowstart never applies at process start");
  assert.equal(clock.reads, 0);
  s.cameUp();
  assert.equal(s.effectiveWeight, 0.5);
  clock.now += 1000;
  assert.equal(s.effectiveWeight, 4.5);
  clock.now += 1000;
  assert.equal(s.effectiveWeight, 8);
  const reads = clock.reads;
  assert.equal(s.effectiveWeight, 8);
  assert.equal(clock.reads, reads, "after the ramp: no clock read");
  s.weight = 0;
  s.cameUp();
  assert.equal(s.effectiveWeight, 0, "weight 0 stays 0");
  const plain = server("b", clock.read, 0, 3);
  plain.cameUp();
  assert.equal(plain.effectiveWeight, 3, "no slowstart: whole at once");
});

/**
 * b comes back at t=0 with slowstart 2 s next to a (same weight); picks are made every 2 ms for
 * 2.4 s, each holding a connection over the next 10 picks (leastconn goes by them). Returns b's
 * share of the picks in each 400 ms window.
 */
function sharesOverRamp(spec: string): number[] {
  const clock = fakeClock();
  const a = server("a", clock.read), b = server("b", clock.read);
  const parsed = parseBalance(spec);
  assert.ok(parsed.ok);
  const lb = createBalancer(parsed.spec, [a, b], { random: seeded(7) });
  b.cameUp();
  const shares: number[] = [], held: Server[] = [];
  for (let w = 0; w < 6; w++) {
    let got = 0;
    for (let i = 0; i < 200; i++, clock.now += 2) {
      const s = lb.pick()!;
      if (s === b) got++;
      s.cur++;
      held.push(s);
      if (held.length > 10) held.shift()!.cur--;
    }
    shares.push(got / 200);
  }
  return shares;
}

for (const spec of ["roundrobin", "random", "leastconn"]) {
  test(`${spec}: a recovering server's share of picks grows over the slowstart period`, () => {
    const shares = sharesOverRamp(spec);
    const [first, , , , , after] = shares;
    assert.ok(first! < 0.25, `first 400 ms: b got ${first}, expected well under half (${shares})`);
    for (let i = 1; i < 5; i++) {
      assert.ok(shares[i]! >= shares[i - 1]! - 0.05, `share fell at window ${i}: ${shares}`);
    }
    assert.ok(Math.abs(after! - 0.5) <= 0.1, `after the ramp: b got ${after} (${shares})`);
  });
}

test("roundrobin: the shares follow the ramp exactly (smooth weighted round-robin stays exact)", () => {
  // In window 0 b's weight is 1/16..4/16 of a's 1: b gets its share of each step, to the pick.
  const shares = sharesOverRamp("roundrobin");
  assert.equal(shares[5], 0.5);
  assert.ok(shares[0]! > 0, "b is picked from the start (weight 1/16, not 0)");
});

test("static-rr: slowstart has no effect (a static algorithm)", () => {
  assert.deepEqual(sharesOverRamp("static-rr"), [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
});

test("Checker: a server brought back UP by checks starts its slowstart; at start it does not", async () => {
  const be = testBackend({ servers: [{ weight: 4, slowstart: 60_000 }] });

  const s1 = be.servers[0]!, rt = new FakeRuntime();
  const plan = {
    backend: "app",
    server: "s1",
    host: "127.0.0.1",
    port: 9000,
    rise: 1,
    fall: 1,
    inter: 5,
    fastinter: 5,
    downinter: 5,
    connectTimeout: 1000,
    checkTimeout: null,
    http: null,
  };
  const c = new Checker(plan, be, s1, rt);
  c.start(0);
  try {
    await until(() => rt.connects.length >= 1, "a first check");
    assert.equal(s1.effectiveWeight, 4, "UP from the start: whole weight");
    rt.behaviour = { kind: "refuse" };
    await until(() => s1.state === "DOWN", "s1 DOWN");
    rt.behaviour = { kind: "open" };
    await until(() => s1.state === "UP", "s1 UP");
    assert.ok(s1.upSince > 0);
    assert.equal(s1.effectiveWeight, 0.25, "back UP: 1/16 of its weight");
  } finally {
    c.stop();
  }
});
