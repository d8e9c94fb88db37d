/** backendSample(): a Backend's live state as nbsrv, be_conn, connslots and srv_conn read it. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ServerOptions } from "../../../../src/backend/server.ts";
import { backendSample } from "../../../../src/proxy/session/backend_sample.ts";
import { testBackend } from "../../_fixtures/backend.ts";
import type { Backend } from "../../../../src/backend/backend.ts";

function backend(servers: Omit<ServerOptions, "host" | "port">[]): Backend {
  return testBackend({ name: "api", servers: servers.map((s, i) => ({ port: 8000 + i, ...s })) });
}

test("backendSample() is one object per backend, reading live state", () => {
  const b = backend([{ name: "a", weight: 1, maxconn: 10 }]);
  const s = backendSample(b);
  assert.equal(backendSample(b), s);
  assert.equal(s.name, "api");
  assert.equal(s.conn(), 0);
  b.cur = 4;
  b.servers[0]!.cur = 3;
  assert.equal(s.conn(), 4);
  assert.equal(s.serverConn("a"), 3);
  assert.equal(s.serverConn("zz"), undefined);
  assert.equal(s.slots(), 7);
});

test("usableServers() counts active servers up with a weight, else backups (nbsrv)", () => {
  const b = backend([
    { name: "a", weight: 1, maxconn: 1 },
    { name: "b", weight: 0 },
    { name: "c", weight: 1 },
    { name: "k1", weight: 1, backup: true },
    { name: "k2", weight: 1, backup: true },
  ]);
  const s = backendSample(b);
  b.servers[0]!.cur = 1;
  assert.equal(s.usableServers(), 2, "a full server is still up; weight 0 is not");
  b.servers[0]!.state = "DOWN";
  b.servers[2]!.state = "MAINT";
  assert.equal(s.usableServers(), 2, "the backups");
  b.servers[3]!.state = "DRAIN";
  assert.equal(s.usableServers(), 1);
});

test("slots() sums maxconn - cur over running servers, -1 if one is unlimited (connslots)", () => {
  const b = backend([
    { name: "a", weight: 1, maxconn: 10 },
    { name: "b", weight: 1, maxconn: 5 },
    { name: "c", weight: 1 },
  ]);
  const s = backendSample(b);
  assert.equal(s.slots(), -1);
  b.servers[2]!.state = "DOWN";
  b.servers[0]!.cur = 4;
  assert.equal(s.slots(), 11);
  b.servers[1]!.state = "MAINT";
  assert.equal(s.slots(), 6);
  assert.equal(backendSample(backend([])).slots(), 0);
});
