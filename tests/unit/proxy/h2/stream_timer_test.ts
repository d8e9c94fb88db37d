/** StreamTimer: SessionTimer's deadlines on the connection's clock (no runtime timer per stream). */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { TimeoutKind } from "../../../../src/proxy/session/timer.ts";
import { StreamTimer } from "../../../../src/proxy/h2/stream_timer.ts";
import { useClock } from "../../../../src/runtime/clock.ts";

function setup() {
  const wakes: number[] = [];
  const fired: TimeoutKind[] = [];
  const timer = new StreamTimer({ onTimer: (k) => fired.push(k) }, {
    wakeAt: (at) => wakes.push(at),
  });
  return { wakes, fired, timer };
}

test("StreamTimer.idle() asks the clock for the earlier side's deadline and expires that side", () => {
  const { wakes, fired, timer } = setup();
  const t0 = Date.now();
  timer.idle(30_000, 5_000);
  assert.equal(wakes.length, 1);
  assert.ok(wakes[0]! >= t0 + 5_000 && wakes[0]! <= Date.now() + 5_000);
  assert.equal(timer.deadline, wakes[0]);
  timer.check(timer.deadline - 1); // early: nothing expires, the deadline stays
  assert.deepEqual(fired, []);
  timer.check(timer.deadline + 1);
  assert.deepEqual(fired, ["server"]);
  assert.equal(timer.deadline, Infinity);
});

test("StreamTimer: a touched side moves its deadline at check time, without waking the clock on each touch", () => {
  const { wakes, fired, timer } = setup();
  let now = 1_000_000;
  useClock(() => now);
  try {
    timer.idle(1_000, 0);
    assert.equal(timer.deadline, 1_001_000);
    now = 1_000_400;
    timer.touchClient();
    assert.equal(wakes.length, 1, "a touch asks nothing of the clock");
    timer.check(1_001_000); // the old deadline: the client was active since
    assert.deepEqual(fired, []);
    assert.equal(timer.deadline, 1_001_400, "re-armed for the moved deadline");
    assert.deepEqual(wakes, [1_001_000, 1_001_400]);
    timer.check(1_001_400);
    assert.deepEqual(fired, ["client"]);
  } finally {
    useClock(null);
  }
});

test("StreamTimer.fixed() expires at its deadline whatever is touched; stop() ends it; tunnel sides are tunnel", () => {
  const { fired, timer } = setup();
  timer.fixed("tarpit", 500);
  timer.touchClient();
  timer.check(Date.now() + 600);
  assert.deepEqual(fired, ["tarpit"]);
  timer.idle(100, 100, true);
  timer.stop();
  assert.equal(timer.deadline, Infinity);
  timer.idle(100, 0, true);
  timer.check(Date.now() + 200);
  assert.deepEqual(fired, ["tarpit", "tunnel"]);
  timer.fixed("tarpit", 0); // 0 disables
  assert.equal(timer.deadline, Infinity);
});
