/** The data path's clock: one read per event-loop turn, fresh after the turn, never backwards. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fresh, now, useClock } from "../../../src/runtime/clock.ts";

/** Spins until the wall clock has moved `ms` (a synchronous stretch within one turn). */
function spin(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) { /* busy */ }
}

const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

test("now() is read once per turn: the same value through a synchronous stretch", async () => {
  await nextTurn();
  const t = now();
  spin(5);
  assert.equal(now(), t, "the turn's time");
  assert.ok(Date.now() - t >= 5);
});

test("now() is read again in the next turn (a timer, an immediate, an awaited I/O)", async () => {
  const t = now();
  spin(3);
  await nextTurn();
  const t2 = now();
  assert.ok(t2 >= t + 3, `${t2} after ${t}`);
  assert.ok(Date.now() - t2 <= 2, "fresh after a timer");
  spin(3);
  await new Promise((resolve) => setImmediate(resolve));
  await nextTurn();
  assert.ok(now() >= t2 + 3);
});

test("fresh() reads the clock now, and the rest of the turn shares that time", async () => {
  await nextTurn();
  const t = now();
  spin(3);
  const f = fresh();
  assert.ok(f >= t + 3);
  assert.equal(now(), f);
});

test("now() never goes backwards when the wall clock steps back; it goes on from there", async () => {
  const realNow = Date.now;
  try {
    await nextTurn();
    const before = fresh();
    let wall = before - 60_000;
    Date.now = () => wall;
    const after = fresh();
    assert.equal(after, before, "a step back is not seen");
    wall += 250;
    assert.equal(fresh(), before + 250, "time goes on at the wall clock's pace");
  } finally {
    Date.now = realNow;
    useClock(null);
  }
  assert.ok(Math.abs(fresh() - Date.now()) <= 2, "useClock(null) drops the correction");
});

test("useClock() gives tests their own time, read on every call", () => {
  let t = 1_000;
  useClock(() => t);
  try {
    assert.equal(now(), 1_000);
    t = 1_500;
    assert.equal(now(), 1_500);
    assert.equal(fresh(), 1_500);
  } finally {
    useClock(null);
  }
  assert.ok(now() > 1_500);
});
