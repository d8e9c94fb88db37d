/** retry-on parsing and the redispatch interval. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRetryOn, redispatches } from "../../../src/backend/retry.ts";

test("retry-on keywords, all-retryable-errors, none and bad words", () => {
  const r = parseRetryOn("conn-failure empty-response 503 404");
  assert.ok(r.ok);
  assert.equal(r.value.connFailure, true);
  assert.equal(r.value.emptyResponse, true);
  assert.equal(r.value.responseTimeout, false);
  assert.deepEqual([...r.value.statuses].sort(), [404, 503]);
  const all = parseRetryOn("all-retryable-errors");
  assert.ok(all.ok);
  assert.deepEqual([...all.value.statuses].sort(), [500, 502, 503, 504]);
  assert.equal(all.value.junkResponse && all.value.responseTimeout, true);
  const none = parseRetryOn("none");
  assert.ok(none.ok && !none.value.connFailure && none.value.statuses.size === 0);
  const bad = parseRetryOn("conn-failure 599");
  assert.ok(!bad.ok && /"599"/.test(bad.error));
  assert.ok(!parseRetryOn("none 503").ok);
  assert.ok(!parseRetryOn("  ").ok);
});

test("redispatch intervals: every Pth retry, the Nth before the last, never", () => {
  const on = (retries: number, interval: number) =>
    Array.from({ length: retries }, (_, i) => redispatches(i + 1, retries, interval));
  assert.deepEqual(on(3, 1), [true, true, true]);
  assert.deepEqual(on(4, 2), [false, true, false, true]);
  assert.deepEqual(on(3, -1), [false, false, true]);
  assert.deepEqual(on(3, -2), [false, true, false]);
  assert.deepEqual(on(3, 0), [false, false, false]);
});
