/** Tests for Observer (errors in a row, by layer), Health's passive moves, passive log lines. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Health } from "../../../src/check/health.ts";
import { checkFailedMessage, transitionMessage } from "../../../src/check/messages.ts";
import { type ObservePlan, Observer } from "../../../src/check/observe.ts";

function observer(over: Partial<ObservePlan> = {}): { o: Observer; fired: string[] } {
  const fired: string[] = [];
  const plan: ObservePlan = { layer: "layer7", errorLimit: 3, onError: "mark-down", ...over };
  return { o: new Observer(plan, (info) => fired.push(info)), fired };
}

test("Observer (layer7) fires on the errorLimit-th 5xx in a row, then restarts", () => {
  const { o, fired } = observer();
  o.status(500);
  o.status(502);
  assert.equal(o.errors, 2);
  assert.deepEqual(fired, []);
  o.status(503);
  assert.deepEqual(fired, ["Detected 3 consecutive errors, last one was: Wrong http response"]);
  assert.equal(o.errors, 0, "the count starts again after the action");
  o.status(500);
  o.status(500);
  assert.equal(fired.length, 1);
});

test("Observer (layer7): a valid status clears the count; 501 and 505 are valid, 1xx too", () => {
  const { o, fired } = observer();
  for (const good of [200, 404, 501, 505, 101]) {
    o.status(500);
    o.status(500);
    o.status(good);
    assert.equal(o.errors, 0, `${good} clears`);
  }
  assert.deepEqual(fired, []);
  o.status(599);
  o.status(504);
  o.status(500);
  assert.equal(fired.length, 1);
});

test("Observer (layer7): failed responses and failed connects count; connects do not clear", () => {
  const { o, fired } = observer({ errorLimit: 4 });
  o.responseFailed("junk");
  o.connected(true); // ignored in layer7 (HAProxy: L4 OK is 0 for layer7)
  o.responseFailed("closed");
  o.connected(false);
  o.responseFailed("timeout");
  assert.deepEqual(fired, ["Detected 4 consecutive errors, last one was: Read timeout (http)"]);
  const junk = observer({ errorLimit: 1 });
  junk.o.responseFailed("junk");
  junk.o.responseFailed("closed");
  junk.o.connected(false);
  assert.deepEqual(junk.fired, [
    "Detected 1 consecutive errors, last one was: Invalid http response",
    "Detected 1 consecutive errors, last one was: Close from server (http)",
    "Detected 1 consecutive errors, last one was: L4 unsuccessful connection",
  ]);
});

test("Observer (layer4): only connects count, a successful one clears", () => {
  const { o, fired } = observer({ layer: "layer4", errorLimit: 2 });
  o.connected(false);
  o.connected(true);
  o.connected(false);
  assert.deepEqual(fired, []);
  o.status(500);
  o.responseFailed("junk");
  assert.equal(o.errors, 1);
  o.connected(false);
  assert.deepEqual(fired, [
    "Detected 2 consecutive errors, last one was: L4 unsuccessful connection",
  ]);
});

test("Observer.reset() (a passed check) clears the count; errorLimit below 1 is refused", () => {
  const { o, fired } = observer({ errorLimit: 2 });
  o.status(500);
  o.reset();
  o.status(500);
  assert.deepEqual(fired, []);
  assert.throws(() => observer({ errorLimit: 0 }), RangeError);
});

const params = { rise: 2, fall: 3, inter: 1000, fastinter: 100, downinter: 5000 };

test("Health.markDown(): the failed check that follows takes a fully UP server DOWN", () => {
  const h = new Health(params);
  h.record(true);
  assert.equal(h.health, 4);
  h.markDown();
  assert.equal(h.record(false), "DOWN");
  assert.equal(h.health, 0);
});

test("Health.suddenDeath(): that failure leaves it UP at rise, one more takes it DOWN", () => {
  const h = new Health(params);
  h.record(true);
  h.suddenDeath();
  assert.equal(h.record(false), null);
  assert.equal(h.health, 2);
  assert.equal(h.record(false), "DOWN");
  const one = new Health({ ...params, fall: 1 });
  one.record(true);
  one.suddenDeath();
  assert.equal(one.record(false), "DOWN", "fall 1: any failure is fatal");
});

test("Health.interval(fast): forced fastinter applies to a fully UP server only", () => {
  const h = new Health(params);
  h.record(true);
  assert.equal(h.interval(), 1000);
  assert.equal(h.interval(true), 100);
  h.markDown();
  h.record(false);
  assert.equal(h.interval(true), 5000, "fully DOWN: downinter, as srv_getinter");
});

test("passive failure lines: no check duration, HAProxy's log-health-checks wording", () => {
  const verdict = {
    ok: false,
    status: "Health analyze",
    info: "Detected 3 consecutive errors, last one was: Wrong http response",
  };
  const base = { backend: "app", server: "s1", backup: false, verdict, durationMs: -1 };
  assert.equal(
    transitionMessage({ ...base, to: "DOWN", active: 1, backups: 0 }),
    'Server app/s1 is DOWN, reason: Health analyze, info: "Detected 3 consecutive errors, last ' +
      'one was: Wrong http response". 1 active and 0 backup servers left.',
  );
  assert.equal(
    checkFailedMessage({ ...base, health: 3, rise: 2, fall: 3, draining: false }),
    'Health check for server app/s1 failed, reason: Health analyze, info: "Detected 3 ' +
      'consecutive errors, last one was: Wrong http response", status: 2/3 UP.',
  );
  assert.equal(
    checkFailedMessage({ ...base, backup: true, health: 1, rise: 2, fall: 3, draining: true }),
    'Health check for backup server app/s1 failed, reason: Health analyze, info: "Detected 3 ' +
      'consecutive errors, last one was: Wrong http response", status: 1/2 DOWN.',
  );
});
