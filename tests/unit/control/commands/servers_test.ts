/** Server commands through the Runner: HAProxy's answers and errors, and the state each one leaves. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { RunningProxy } from "../../../../src/plan/mod.ts";
import { inProcessProxy, run, USER } from "../_proxy.ts";

let p: RunningProxy;
before(async () => {
  p = await inProcessProxy();
});
after(() => p.shutdown());

const app = () => p.backends.get("app")!;
const srv = (name: string) => app().servers.find((s) => s.name === name)!;

test("target errors are HAProxy's", async () => {
  assert.equal(await run(p, "get weight app"), "Require 'backend/server'.\n");
  assert.equal(await run(p, "get weight zz/s1"), "No such backend.\n");
  assert.equal(await run(p, "get weight app/zz"), "No such server.\n");
  assert.equal(await run(p, "disable server app"), "Require 'backend/server'.\n");
});

test("get/set weight: absolute, relative to the initial weight, bounds", async () => {
  assert.equal(await run(p, "get weight app/s2"), "10 (initial 10)\n");
  assert.equal(await run(p, "set weight app/s2 50%"), "");
  assert.equal(await run(p, "get weight app/s2"), "5 (initial 10)\n");
  assert.equal(
    await run(p, "set weight app/s2 300"),
    "Absolute weight can only be between 0 and 256 inclusive.\n",
  );
  assert.equal(await run(p, "set server app/s2 weight 10"), "");
  assert.equal(srv("s2").weight, 10);
});

test("set server state / disable / enable server move the admin state", async () => {
  assert.equal(await run(p, "set server app/s1 state drain"), "");
  assert.equal(srv("s1").state, "DRAIN");
  assert.equal(await run(p, "set server app/s1 state maint"), "");
  assert.equal(srv("s1").state, "MAINT");
  assert.equal(await run(p, "enable server app/s1"), "");
  assert.equal(srv("s1").state, "UP");
  assert.equal(await run(p, "disable server app/s1"), "");
  assert.equal(srv("s1").state, "MAINT");
  assert.equal(await run(p, "set server app/s1 state ready"), "");
  assert.equal(srv("s1").state, "UP");
  assert.equal(
    await run(p, "set server app/s1 state foo"),
    "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n",
  );
  assert.match(await run(p, "set server app/s1"), /^usage: set server/);
});

test("health: refused where no check is configured", async () => {
  assert.equal(
    await run(p, "enable health app/s1"),
    "Health check was not configured on this server, cannot enable.\n",
  );
  assert.equal(await run(p, "disable health app/s1"), "");
});

test("set maxconn server, levels", async () => {
  assert.equal(await run(p, "set maxconn server app/s1 7"), "");
  assert.equal(srv("s1").maxconn, 7);
  assert.equal(await run(p, "set maxconn server app/s1 x"), "Require <maxconn>.\n");
  assert.equal(await run(p, "set maxconn server app/s1 3", USER), "Permission denied\n");
  assert.equal(srv("s1").maxconn, 7);
  assert.equal(await run(p, "get weight app/s1", USER), "1 (initial 1)\n");
  assert.equal(await run(p, "shutdown sessions server app/s1"), "");
});
