/** Server admin changes: MAINT/DRAIN/READY, weight, maxconn, health on/off; what balancers pick after, what is counted and logged. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  adminStateOf,
  setAdminState,
  setHealthEnabled,
  setMaxconn,
  setWeight,
} from "../../../src/backend/admin.ts";
import type { Backend } from "../../../src/backend/backend.ts";
import { testBackend } from "../_fixtures/backend.ts";

function picks(be: Backend, n: number): string[] {
  return Array.from({ length: n }, () => be.balancer.pick()?.name ?? "-");
}

test("setAdminState() maint: no new picks, HAProxy's line, chkdown and downtime counted", () => {
  const be = testBackend({ servers: [{}, {}] });
  const [s1, s2] = be.servers;
  const line = setAdminState(be, s1!, "maint");
  assert.equal(
    line,
    "Server app/s1 is going DOWN for maintenance. 1 active and 0 backup servers left. " +
      "0 sessions active, 0 requeued, 0 remaining in queue.",
  );
  assert.equal(adminStateOf(s1!), "maint");
  assert.deepEqual(picks(be, 4), ["s2", "s2", "s2", "s2"]);
  assert.equal(s1!.counters.chkdown, 1);
  assert.equal(s2!.counters.chkdown, 0);
  assert.equal(s1!.downtime(s1!.lastChange + 5000), 5);
  assert.equal(
    setAdminState(be, s1!, "ready"),
    "Server app/s1 is UP/READY (leaving forced maintenance).",
  );
  assert.deepEqual(picks(be, 4).sort(), ["s1", "s1", "s2", "s2"]);
  assert.equal(setAdminState(be, s1!, "ready"), "", "no change, no line");
});

test("setAdminState() drain: balanced traffic stops, persistent traffic still accepted", () => {
  const be = testBackend({ servers: [{}, {}] });
  const s1 = be.servers[0]!;
  assert.equal(
    setAdminState(be, s1, "drain"),
    "Server app/s1 enters drain state. 1 active and 0 backup servers online. " +
      "0 sessions requeued, 0 total in queue.",
  );
  assert.deepEqual(picks(be, 3), ["s2", "s2", "s2"]);
  assert.equal(s1.acceptsPersistent, true);
  assert.equal(setAdminState(be, s1, "ready"), "Server app/s1 is UP (leaving forced drain).");
});

test("the last server leaving counts the backend's chkdown and lastchg", () => {
  const be = testBackend({ servers: [{}] });
  const before = be.counters.chkdown;
  setAdminState(be, be.servers[0]!, "maint");
  assert.equal(be.counters.chkdown, before + 1);
  assert.equal(be.balancer.pick(), null);
});

test("setWeight(0) takes a server out of the picks; back to 1 brings it back", () => {
  const be = testBackend({ servers: [{}, {}] });
  setWeight(be, be.servers[1]!, 0);
  assert.deepEqual(picks(be, 3), ["s1", "s1", "s1"]);
  assert.equal(be.servers[1]!.initialWeight, 1);
  setWeight(be, be.servers[1]!, 3);
  const p = picks(be, 8);
  assert.equal(p.filter((n) => n === "s2").length, 6);
});

test("setMaxconn() changes the limit usable reads", () => {
  const be = testBackend({ servers: [{}] });
  const s = be.servers[0]!;
  s.cur = 2;
  setMaxconn(be, s, 2);
  assert.equal(s.usable, false);
  setMaxconn(be, s, 3);
  assert.equal(s.usable, true);
  s.cur = 0;
});

test("setHealthEnabled() refuses a server without checks, toggles one with", () => {
  const be = testBackend({ servers: [{}] });
  const s = be.servers[0]!;
  assert.equal(setHealthEnabled(s, true), false);
  s.checked = true;
  assert.equal(setHealthEnabled(s, false), true);
  assert.equal(s.healthEnabled, false);
});
