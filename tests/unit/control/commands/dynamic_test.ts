/** add server / del server through the Runner, with HAProxy 2.6's answers and rules. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { parseAddServer } from "../../../../src/control/commands/dynamic.ts";
import type { RunningProxy } from "../../../../src/plan/mod.ts";
import { inProcessProxy, run } from "../_proxy.ts";

let p: RunningProxy;
before(async () => {
  p = await inProcessProxy();
});
after(() => p.shutdown());

test("add server: created in maintenance, then enabled and picked; del server only in MAINT", async () => {
  const be = p.backends.get("app")!;
  assert.equal(
    await run(p, "add server app/s3 127.0.0.1:4 weight 5 maxconn 10 backup"),
    "New server registered.\n",
  );
  const s3 = be.servers.find((s) => s.name === "s3")!;
  assert.equal(s3.state, "MAINT");
  assert.equal(s3.weight, 5);
  assert.equal(s3.maxconn, 10);
  assert.equal(s3.backup, true);
  assert.equal(s3.id, 3);
  assert.equal(
    await run(p, "add server app/s3 127.0.0.1:4"),
    "Already exists a server with the same name in backend.\n",
  );
  assert.equal(await run(p, "enable server app/s3"), "");
  assert.equal(
    await run(p, "del server app/s3"),
    "Only servers in maintenance mode can be deleted.\n",
  );
  await run(p, "disable server app/s3");
  s3.cur = 1;
  assert.equal(
    await run(p, "del server app/s3"),
    "Server still has connections attached to it, cannot remove it.\n",
  );
  s3.cur = 0;
  assert.equal(await run(p, "del server app/s3"), "Server deleted.\n");
  assert.equal(await run(p, "del server app/s3"), "No such server.\n");
  assert.deepEqual(be.servers.map((s) => s.name), ["s1", "s2"]);
});

test("add server ... check: checked once `enable health` runs, as HAProxy 2.6", async () => {
  const be = p.backends.get("app")!;
  assert.equal(
    await run(p, "add server app/k 127.0.0.1:1 check inter 50ms rise 1 fall 1"),
    "New server registered.\n",
  );
  const k = be.servers.find((s) => s.name === "k")!;
  assert.equal(k.checked, true);
  assert.equal(k.healthEnabled, false);
  assert.equal(await run(p, "enable health app/k"), "");
  assert.equal(await run(p, "enable server app/k"), "");
  const deadline = Date.now() + 3000;
  while (k.lastCheck === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(k.lastCheck?.ok, false, "port 1 refuses: the check ran and failed");
  assert.equal(k.state, "DOWN");
  await run(p, "disable server app/k");
  assert.equal(await run(p, "del server app/k"), "Server deleted.\n");
});

test("add server refuses static algorithms, unknown backends, bad addresses and keywords", async () => {
  assert.equal(
    await run(p, "add server st/b 127.0.0.1:1"),
    "Backend must use a dynamic load balancing to support dynamic servers.\n",
  );
  assert.equal(await run(p, "add server zz/b 127.0.0.1:1"), "No such backend.\n");
  assert.equal(await run(p, "add server app"), "Require 'backend/server'.\n");
  assert.match(await run(p, "add server app/x nowhere"), /expects <name> and <addr>:<port>/);
  assert.match(await run(p, "add server app/x 127.0.0.1:1 bogus"), /unknown keyword 'bogus'/);
});

test("parseAddServer() reads IPv6 and keywords", () => {
  const spec = parseAddServer("x", [
    "[::1]:8080",
    "weight",
    "3",
    "send-proxy-v2",
    "id",
    "9",
    "check",
    "inter",
    "500ms",
    "rise",
    "1",
  ]);
  assert.ok(typeof spec !== "string");
  const o = spec.server;
  assert.deepEqual(spec.check, { inter: 500, rise: 1, fall: 3 });
  assert.equal(o.host, "::1");
  assert.equal(o.port, 8080);
  assert.equal(o.weight, 3);
  assert.equal(o.sendProxyV2, true);
  assert.equal(o.id, 9);
  assert.equal(o.disabled, true);
});
