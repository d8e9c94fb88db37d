/** Tests for Health: HAProxy's rise/fall counter and the interval it picks. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Health, type HealthParams } from "../../../src/check/health.ts";

const P: HealthParams = { rise: 2, fall: 3, inter: 1000, fastinter: 100, downinter: 5000 };

/** Feeds results (true: passed) and returns the transitions each caused. */
function feed(h: Health, results: boolean[]): (string | null)[] {
  return results.map((ok) => h.record(ok));
}

test("Health starts UP at health = rise, and a failure before any success takes it DOWN", () => {
  const h = new Health(P);
  assert.equal(h.up, true);
  assert.equal(h.health, 2);
  assert.equal(h.record(false), "DOWN");
  assert.equal(h.health, 0);
});

test("Health goes DOWN after exactly fall failures in a row from fully UP", () => {
  const h = new Health(P);
  assert.equal(h.record(true), null);
  assert.equal(h.health, 4, "one success makes it fully up: rise + fall - 1");
  assert.deepEqual(feed(h, [false, false]), [null, null]);
  assert.equal(h.up, true);
  assert.equal(h.record(false), "DOWN");
  assert.equal(h.up, false);
});

test("Health comes UP after exactly rise successes in a row from fully DOWN", () => {
  for (const rise of [1, 2, 5]) {
    const h = new Health({ ...P, rise });
    h.record(false);
    assert.equal(h.up, false);
    const got = feed(h, Array(rise).fill(true));
    assert.deepEqual(got, [...Array(rise - 1).fill(null), "UP"], `rise ${rise}`);
    assert.equal(h.health, rise + P.fall - 1);
  }
});

test("Health counts fall exactly for several fall values", () => {
  for (const fall of [1, 2, 3, 7]) {
    const h = new Health({ ...P, fall });
    h.record(true);
    const got = feed(h, Array(fall).fill(false));
    assert.deepEqual(got, [...Array(fall - 1).fill(null), "DOWN"], `fall ${fall}`);
  }
});

test("Health: a success between failures restores full health (failures must be consecutive)", () => {
  const h = new Health(P);
  h.record(true);
  assert.deepEqual(feed(h, [false, false, true, false, false, true]), Array(6).fill(null));
  assert.equal(h.up, true);
  assert.equal(h.health, 4);
});

test("Health: a failure while going up starts the rise count again", () => {
  const h = new Health({ ...P, rise: 3 });
  h.record(false);
  assert.deepEqual(feed(h, [true, true, false, true, true]), Array(5).fill(null));
  assert.equal(h.up, false);
  assert.equal(h.record(true), "UP");
});

test("Health: more failures while DOWN and more successes while UP change nothing", () => {
  const h = new Health(P);
  h.record(false);
  assert.deepEqual(feed(h, [false, false, false]), [null, null, null]);
  assert.equal(h.health, 0);
  feed(h, [true, true]);
  assert.deepEqual(feed(h, [true, true, true]), [null, null, null]);
  assert.equal(h.health, 4);
});

test("Health.interval() is inter fully UP, fastinter in transition, downinter fully DOWN", () => {
  const h = new Health(P);
  assert.equal(h.interval(), 100, "not checked yet: fastinter");
  h.record(true);
  assert.equal(h.interval(), 1000, "fully up: inter");
  h.record(false);
  assert.equal(h.interval(), 100, "going down: fastinter");
  h.record(false);
  h.record(false);
  assert.equal(h.interval(), 5000, "fully down: downinter");
  h.record(true);
  assert.equal(h.interval(), 100, "going up: fastinter");
  h.record(true);
  assert.equal(h.interval(), 1000, "up again: inter");
});

test("Health.interval() is inter from the start when fall is 1 (health = rise is full)", () => {
  assert.equal(new Health({ ...P, fall: 1 }).interval(), 1000);
});

test("Health rejects a rise or fall below 1", () => {
  assert.throws(
    () => new Health({ ...P, rise: 0 }),
    /rise must be a whole number of at least 1, got 0/,
  );
  assert.throws(() => new Health({ ...P, fall: 1.5 }), /fall must be a whole number/);
});
