/** ProcessAdmission: global maxconn and global rate-limit sessions, both changeable at run time. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ProcessAdmission } from "../../../../src/proxy/accept/admission.ts";
import type { Runtime } from "../../../../src/runtime/types.ts";
import { ProcessCounters } from "../../../../src/stats/counters.ts";

function admission(maxconn: number, rateLimitSessions: number, admitAll = () => {}) {
  return new ProcessAdmission(
    {} as Runtime,
    new ProcessCounters(),
    { maxconn, rateLimitSessions },
    admitAll,
  );
}

test("ProcessAdmission takes up to maxconn; raising it admits more", () => {
  const a = admission(2, 0);
  assert.equal(a.take(), true);
  assert.equal(a.take(), true);
  assert.equal(a.take(), false);
  a.maxconn = 3;
  assert.equal(a.take(), true);
  assert.equal(a.cur, 3);
  assert.equal(a.counters.connTot, 3);
  a.give();
  assert.equal(a.cur, 2);
});

test("ProcessAdmission refuses over the session rate, and one timer admits again", async () => {
  let admitted = 0;
  const a = admission(100, 3, () => admitted++);
  for (let i = 0; i < 3; i++) assert.equal(a.take(), true);
  assert.equal(a.take(), false, "a 4th session within the second is over the rate");
  assert.equal(a.take(), false);
  const deadline = Date.now() + 2000;
  while (admitted === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.ok(admitted >= 1, "the rate timer let waiting connections in");
  a.rateLimitSessions = 0;
  assert.equal(a.take(), true, "no limit once set to 0");
  a.stop();
});
