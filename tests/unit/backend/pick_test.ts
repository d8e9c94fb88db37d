/** Tests for Backend.pick(): the balancer's choice, counted in lbtot for the server and the backend. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { testBackend } from "../_fixtures/backend.ts";

test("Backend.pick() counts each pick in lbtot, the server's and the backend's", () => {
  const be = testBackend({ servers: [{}, { weight: 2 }] });
  for (let i = 0; i < 6; i++) assert.ok(be.pick());
  assert.deepEqual(be.servers.map((s) => s.counters.lbtot), [2, 4]);
  assert.equal(be.counters.lbtot, 6);
});

test("Backend.pick() counts nothing when no server is usable", () => {
  const be = testBackend({ servers: [{ disabled: true }] });
  assert.equal(be.pick(), null);
  assert.equal(be.counters.lbtot, 0);
  assert.equal(be.servers[0]!.counters.lbtot, 0);
});
