/** The sliding-second event rate behind rate-limit sessions. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { FreqCounter } from "../../../../src/proxy/accept/freq.ts";

test("counts this second and prorates the last one; waits until the rate drops", () => {
  const f = new FreqCounter(1000);
  const t0 = 1_000_000;
  for (let i = 0; i < 10; i++) f.add(t0 + i);
  assert.equal(f.rate(t0 + 10), 10);
  assert.equal(f.msUntilBelow(20, t0 + 10), 0);
  const wait = f.msUntilBelow(10, t0 + 10);
  assert.ok(wait > 0 && wait <= 1200, `wait ${wait}`);
  assert.ok(f.rate(t0 + 10 + wait) < 10);
  // half a second into the next period, half of the previous ten still count
  assert.equal(f.rate(t0 + 1500), 5);
  f.add(t0 + 1500);
  assert.equal(f.rate(t0 + 1500), 6);
  assert.equal(f.rate(t0 + 5000), 0);
});
