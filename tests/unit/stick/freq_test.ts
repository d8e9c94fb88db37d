/** HAProxy's period rate counter: table-driven against freq_ctr.c's formula at period boundaries. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { readRate, updateRate } from "../../../src/stick/freq.ts";

/** HAProxy's formula written out independently: curr + past * remain / period, rounded down. */
function haproxy(start: number, curr: number, prev: number, period: number, now: number): number {
  let remain = start + period - now;
  let past = prev;
  if (remain < 0) {
    remain += period;
    if (remain < 0) return 0;
    past = curr;
    curr = 0;
  }
  if (past <= 1 && curr === 0) return past;
  return curr + Math.trunc((past * remain) / period);
}

test("readRate() matches HAProxy's read_freq_ctr_period at and around period boundaries", () => {
  const P = 10_000, t0 = 5_000_000;
  const d = new Float64Array(3);
  for (let i = 0; i < 30; i++) updateRate(d, 0, P, t0 + i * 100, 1); // 30 events in the first 3 s
  assert.deepEqual([...d], [t0, 30, 0]);
  const cases: [number, number][] = [
    [0, 30],
    [P - 1, 30], // last ms of the first period
    [P, 30], // new period: all 30 are previous, the whole window still covers them
    [P + 1, 29], // 30 * 9999 / 10000 = 29.997 → 29
    [P + 2500, 22], // 30 * 0.75 = 22.5 → 22
    [P + 5000, 15],
    [2 * P - 1, 0], // 30 * 1 / 10000 → 0
    [2 * P, 0], // the first period is out of the window
    [3 * P, 0],
  ];
  for (const [dt, want] of cases) {
    assert.equal(readRate(d, 0, P, t0 + dt), want, `at +${dt}`);
    assert.equal(haproxy(d[0]!, d[1]!, d[2]!, P, t0 + dt), want, `formula at +${dt}`);
  }
});

test("updateRate() rolls one period over, and restarts after two", () => {
  const P = 1000, d = new Float64Array(3);
  updateRate(d, 0, P, 10_000, 5);
  updateRate(d, 0, P, 11_200, 2); // one period later: 5 become previous, start moves by one period
  assert.deepEqual([...d], [11_000, 2, 5]);
  assert.equal(readRate(d, 0, P, 11_500), 2 + 2); // 5 * 500/1000 = 2.5 → 2
  updateRate(d, 0, P, 13_700, 1); // two periods later: both dropped, restart now
  assert.deepEqual([...d], [13_700, 1, 0]);
});

test("readRate() reads a single previous event as 1, not 0 (HAProxy's anti-flapping)", () => {
  const P = 1000, d = new Float64Array(3);
  updateRate(d, 0, P, 0, 1);
  assert.equal(readRate(d, 0, P, 1500), 1);
  assert.equal(readRate(d, 0, P, 2000), 1); // remain is 0, not below: still the previous period
  assert.equal(readRate(d, 0, P, 2001), 0);
});
