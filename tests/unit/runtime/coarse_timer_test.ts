/** Coarse timers: never before the deadline, at most a slot (plus the loop's lateness) after; clear, re-arm, many per slot. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CoarseTimer, SLOT_MS } from "../../../src/runtime/coarse_timer.ts";
import { now } from "../../../src/runtime/clock.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the time the timer fired, armed for `ms` from now. */
function fireTime(ms: number): Promise<number> {
  return new Promise((resolve) => {
    new CoarseTimer<null>(() => resolve(Date.now()), null).set(now() + ms);
  });
}

test("a coarse timer fires at or after its deadline, within a slot and some slack", async () => {
  for (const ms of [1, 15, 40]) {
    const at = now() + ms;
    const fired = await fireTime(ms);
    assert.ok(fired >= at, `fired ${fired - at} ms before its deadline (${ms} ms)`);
    assert.ok(fired - at <= SLOT_MS + 40, `fired ${fired - at} ms after its deadline (${ms} ms)`);
  }
});

test("a cleared timer does not fire; a re-armed one fires once, at its new deadline", async () => {
  const fired: string[] = [];
  const a = new CoarseTimer<string>((s) => fired.push(s), "a");
  const b = new CoarseTimer<string>((s) => fired.push(s), "b");
  a.set(now() + 20);
  b.set(now() + 20);
  a.clear();
  assert.equal(a.armed, false);
  b.set(now() + 60); // later: moves out of its slot
  const t0 = now();
  await sleep(40);
  assert.deepEqual(fired, [], "nothing due yet");
  await sleep(60);
  assert.deepEqual(fired, ["b"]);
  assert.ok(now() - t0 >= 60);
  assert.equal(b.armed, false);
});

test("many timers in one slot, one clearing another as it fires, one re-arming itself", async () => {
  const fired: number[] = [];
  const timers: CoarseTimer<number>[] = [];
  let rearmed = 0;
  for (let i = 0; i < 50; i++) {
    timers.push(
      new CoarseTimer<number>((n) => {
        fired.push(n);
        if (n === 49) timers[0]!.clear(); // the slot pops from its end: 0 has not fired yet
        if (n === 10 && rearmed++ === 0) timers[10]!.set(now() + 5);
      }, i),
    );
  }
  const at = now() + 10;
  for (const t of timers) t.set(at);
  await sleep(80);
  assert.equal(fired.length, 49 + 1, "49 (0 was cleared) and 10 once more");
  assert.ok(!fired.includes(0));
  assert.equal(fired.filter((n) => n === 10).length, 2);
  assert.ok(timers.every((t) => !t.armed));
});

test("a timer re-armed later by its own callback does not delay an earlier one", async () => {
  const fired: [string, number][] = [];
  const t0 = now();
  let again = true;
  const a = new CoarseTimer<string>((s) => {
    fired.push([s, Date.now() - t0]);
    if (again) a.set(now() + 150);
    again = false;
  }, "a");
  const b = new CoarseTimer<string>((s) => fired.push([s, Date.now() - t0]), "b");
  a.set(t0 + 5);
  b.set(t0 + 40);
  await sleep(100);
  assert.deepEqual(fired.map(([s]) => s), ["a", "b"], JSON.stringify(fired));
  assert.ok(fired[1]![1] < 40 + SLOT_MS + 40, JSON.stringify(fired));
  a.clear();
});
