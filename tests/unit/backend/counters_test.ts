/** Tests for server and backend counters, the stats table, and DRAIN's persistence. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Backend } from "../../../src/backend/backend.ts";
import { connectToBackend } from "../../../src/backend/connect.ts";
import { Server, type ServerOptions } from "../../../src/backend/server.ts";
import type { ServerObserver } from "../../../src/backend/server_hooks.ts";
import { readRows, type Sample } from "../../../src/stats/snapshot.ts";
import { retryServer } from "../../../src/proxy/http/retry.ts";
import { FakeRuntime } from "../check/fake_runtime.ts";
import { testBackend } from "../_fixtures/backend.ts";

function backend(
  o: { retries?: number; redispatch?: number; servers?: Partial<ServerOptions>[] } = {},
): Backend {
  return testBackend({
    retries: o.retries ?? 2,
    redispatch: o.redispatch ?? 1,
    servers: o.servers ?? [{}, {}],
  });
}

/** An observer that records what traffic told it. */
function spy(): ServerObserver & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    connected: (ok) => void seen.push(ok ? "L4 ok" : "L4 err"),
    status: (code) => void seen.push(`status ${code}`),
    responseFailed: (kind) => void seen.push(kind),
  };
}

test("connectToBackend counts redispatches on the server left, retries, econ once", async () => {
  const be = backend(), rt = new FakeRuntime();
  const [s1, s2] = be.servers as [Server, Server];
  const o1 = spy(), o2 = spy();
  s1.observer = o1;
  s2.observer = o2;
  rt.behaviour = { kind: "refuse" };
  const r = await connectToBackend(rt, be, () => false);
  assert.equal(r.ok, false);
  assert.deepEqual(rt.connects.map((c) => c.port), [9000, 9001, 9001], "s1, then s2 twice");
  assert.deepEqual([s1.counters.wredis, s1.counters.wretr, s2.counters.wredis, s2.counters.wretr], [
    1,
    0,
    0,
    1,
  ]);
  assert.deepEqual([be.counters.wredis, be.counters.wretr], [1, 1]);
  assert.deepEqual([s1.counters.econ, s2.counters.econ, be.counters.econ], [0, 1, 1]);
  assert.deepEqual(o1.seen, ["L4 err"], "observe hears every failed attempt");
  assert.deepEqual(o2.seen, ["L4 err", "L4 err"]);
  rt.behaviour = { kind: "open" };
  const ok = await connectToBackend(rt, be, () => false);
  assert.ok(ok.ok);
  assert.equal(be.counters.econ, 1, "a success counts no error");
  assert.equal((ok.server === s1 ? o1 : o2).seen.at(-1), "L4 ok");
});

test("connectToBackend: retries stay without redispatch; no server is a backend econ", async () => {
  const be = backend({ redispatch: 0 }), rt = new FakeRuntime();
  rt.behaviour = { kind: "timeout" };
  await connectToBackend(rt, be, () => false);
  const s1 = be.servers[0]!;
  assert.deepEqual([s1.counters.wretr, s1.counters.wredis, s1.counters.econ], [2, 0, 1]);
  assert.equal(be.counters.wretr, 2);
  const down = backend({ servers: [{ disabled: true }] });
  const r = await connectToBackend(rt, down, () => false);
  assert.ok(!r.ok && r.failure.termination === "SC" && r.failure.status === 503);
  assert.equal(!r.ok && r.failure.reason, "no server available");
  assert.equal(down.counters.econ, 1);
  const cancelled = backend({ retries: 0 });
  await connectToBackend(rt, cancelled, () => true);
  assert.equal(cancelled.counters.econ, 0, "a client that left is no connect error");
});

test("retryServer() counts an HTTP retry-on as a retry or a redispatch", () => {
  const be = backend();
  const [s1, s2] = be.servers as [Server, Server];
  assert.equal(retryServer(be, s1, 1, new Set(), {}), s2);
  assert.equal(s1.counters.wredis, 1);
  const stay = backend({ redispatch: 0 });
  const t1 = stay.servers[0]!;
  assert.equal(retryServer(stay, t1, 1, new Set(), {}), t1);
  assert.deepEqual([t1.counters.wretr, stay.counters.wretr, stay.counters.wredis], [1, 1, 0]);
});

test("Backend.opened()/closed() keep cur, max and total; countBytes() counts both levels", () => {
  const be = backend();
  const s1 = be.servers[0]!;
  for (let i = 0; i < 2; i++) {
    s1.cur++;
    be.opened(s1);
  }
  be.closed(s1);
  s1.cur++;
  be.opened(s1);
  be.closed(s1);
  be.closed(s1);
  assert.deepEqual([s1.cur, s1.max, s1.counters.stot, be.cur, be.max, be.counters.stot], [
    0,
    2,
    3,
    0,
    2,
    3,
  ]);
  be.countBytes(s1, 100, 2000);
  be.countBytes(null, 5, 7);
  assert.deepEqual([s1.counters.bin, s1.counters.bout, be.counters.bin, be.counters.bout], [
    100,
    2000,
    105,
    2007,
  ]);
});

test("the stats table reads every counter under HAProxy's field names", () => {
  const be = backend();
  const s1 = be.servers[0]!;
  s1.counters.wretr = 3;
  s1.counters.wredis = 4;
  s1.counters.eresp = 5;
  s1.counters.chkfail = 6;
  s1.lastChange = 10_000;
  const row = byField(readRows("server", s1, 15_500));
  for (const f of ["qcur", "qmax", "scur", "smax", "stot", "bin", "bout", "econ", "eresp"]) {
    assert.ok(f in row, f);
  }
  for (const f of ["wretr", "wredis", "chkfail", "chkdown", "lastchg", "hanafail"]) {
    assert.ok(f in row, f);
  }
  assert.deepEqual([row.wretr, row.wredis, row.eresp, row.chkfail, row.lastchg], [3, 4, 5, 6, 5]);
  be.queue.max = 7;
  be.counters.econ = 2;
  const b = byField(readRows("backend", be));
  assert.deepEqual([b.qcur, b.qmax, b.econ, b.lastchg], [0, 7, 2, 0]);
  assert.ok(!("chkfail" in b), "chkfail is a server field in HAProxy");
});

/** Samples by HAProxy field name (rows without one left out). */
function byField(samples: readonly Sample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { row, value } of samples) if (row.haproxyField) out[row.haproxyField] = value;
  return out;
}

test("DRAIN: never balanced, but taken by a persistence cookie while its checks say UP", () => {
  const s = new Server({ name: "d", host: "127.0.0.1", port: 1, weight: 1, drain: true });
  assert.equal(s.state, "DRAIN");
  assert.equal(s.usable, false);
  assert.equal(s.acceptsPersistent, true);
  s.running = false; // its health checks took it DOWN: it keeps its admin state
  assert.equal(s.acceptsPersistent, false);
  const full = new Server({ name: "f", host: "h", port: 1, weight: 1, drain: true, maxconn: 1 });
  full.cur = 1;
  assert.equal(full.acceptsPersistent, false, "maxconn still applies");
  const maint = new Server({
    name: "m",
    host: "h",
    port: 1,
    weight: 1,
    drain: true,
    disabled: true,
  });
  assert.equal(maint.state, "MAINT", "disabled wins");
  assert.equal(maint.acceptsPersistent, false);
  const down = new Server({ name: "x", host: "h", port: 1, weight: 1 });
  down.state = "DOWN";
  assert.equal(down.acceptsPersistent, false);
});
