/** Tests for observe's onError actions in a running Checker, and onMarkedDown/Up cuts. */
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import { configure, type LogRecord, reset } from "@logtape/logtape";
import { Backend } from "../../../src/backend/backend.ts";
import type { Server, ServerOptions } from "../../../src/backend/server.ts";
import type { ServerSession } from "../../../src/backend/server_hooks.ts";
import { Checker, type CheckPlan } from "../../../src/check/mod.ts";
import type { OnError } from "../../../src/check/observe.ts";
import { FakeRuntime, FakeSocket, until } from "./fake_runtime.ts";
import { testBackend } from "../_fixtures/backend.ts";

let records: LogRecord[] = [];
const lines = () => records.map((r) => `${r.level} ${r.message.join("")}`);

beforeEach(async () => {
  records = [];
  await configure({
    reset: true,
    sinks: { mem: (r: LogRecord) => void records.push(r) },
    loggers: [
      { category: ["tsproxy", "check"], lowestLevel: "debug", sinks: ["mem"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: [] },
    ],
  });
});

afterEach(async () => {
  await reset();
});

function backend(servers: Partial<ServerOptions>[] = [{}, {}], poolMaxConn = 0): Backend {
  return testBackend({ servers, poolMaxConn, poolPurgeDelay: 60_000 });
}

function plan(over: Partial<CheckPlan> = {}, onError: OnError = "mark-down"): CheckPlan {
  return {
    backend: "app",
    server: "s1",
    host: "127.0.0.1",
    port: 9000,
    rise: 2,
    fall: 3,
    inter: 10_000,
    fastinter: 10_000,
    downinter: 10_000,
    connectTimeout: 1000,
    checkTimeout: null,
    http: null,
    observe: { layer: "layer7", errorLimit: 3, onError },
    ...over,
  };
}

/** Starts a checker on `server` and waits for its first (passed) check: the server is fully UP. */
async function checking(be: Backend, rt: FakeRuntime, p: CheckPlan): Promise<Checker> {
  const c = new Checker(p, be, be.servers.find((s) => s.name === p.server)!, rt);
  c.start(0);
  const full = p.rise + p.fall - 1;
  await until(() => rt.connects.length === 1 && be.servers[0]!.checkHealth === full, "one check");
  return c;
}

const tick = () => new Promise((r) => setTimeout(r, 5));

test("observe mark-down: the errorLimit-th error takes the server DOWN at once", async () => {
  const be = backend(), rt = new FakeRuntime();
  const c = await checking(be, rt, plan());
  const s1 = be.servers[0]!;
  try {
    assert.ok(s1.observer, "the checker installs the observer");
    s1.observer!.status(500);
    s1.observer!.status(503);
    await tick();
    assert.equal(s1.state, "UP", "two errors: nothing yet");
    s1.observer!.status(500);
    await until(() => s1.state === "DOWN", "s1 DOWN");
    assert.equal(rt.connects.length, 1, "no active check ran: the passive failure did it");
    assert.equal(s1.counters.hanafail, 1);
    assert.equal(s1.counters.chkfail, 1);
    assert.equal(s1.counters.chkdown, 1);
    assert.equal(s1.running, false);
    assert.equal(s1.lastCheck?.status, "Health analyze");
    assert.deepEqual(lines(), [
      'warning Server app/s1 is DOWN, reason: Health analyze, info: "Detected 3 consecutive ' +
      'errors, last one was: Wrong http response". 1 active and 0 backup servers left.',
    ]);
  } finally {
    c.stop();
  }
  assert.equal(s1.observer, null, "stop() takes the observer away");
});

test("observe fail-check: one failed check counted, logged, next check at fastinter", async () => {
  const be = backend(), rt = new FakeRuntime();
  const c = await checking(be, rt, plan({ fastinter: 20 }, "fail-check"));
  const s1 = be.servers[0]!;
  try {
    for (let i = 0; i < 3; i++) s1.observer!.connected(false);
    await until(() => records.length === 1, "a log line");
    assert.equal(s1.state, "UP");
    assert.equal(s1.checkHealth, 3);
    assert.equal(
      lines()[0],
      'info Health check for server app/s1 failed, reason: Health analyze, info: "Detected 3 ' +
        'consecutive errors, last one was: L4 unsuccessful connection", status: 2/3 UP.',
    );
    // inter is 10s: the forced fastinter brings the next check forward
    await until(() => rt.connects.length === 2, "the next check at fastinter", 500);
    await until(() => s1.checkHealth === 4, "the passed check: fully UP again");
  } finally {
    c.stop();
  }
});

test("observe sudden-death: still UP, and the next failed check is fatal", async () => {
  const be = backend(), rt = new FakeRuntime();
  const c = await checking(be, rt, plan({ fall: 5, fastinter: 20 }, "sudden-death"));
  const s1 = be.servers[0]!;
  try {
    assert.equal(s1.checkHealth, 6);
    rt.behaviour = { kind: "refuse" };
    for (let i = 0; i < 3; i++) s1.observer!.responseFailed("timeout");
    await until(() => s1.checkHealth === 2, "health at rise: one failure from DOWN");
    assert.equal(s1.state, "UP");
    await until(() => s1.state === "DOWN", "DOWN after one failed active check", 500);
    assert.equal(rt.connects.length, 2);
  } finally {
    c.stop();
  }
});

test("observe fastinter: no state change, next check sooner; a pass clears errors", async () => {
  const be = backend(), rt = new FakeRuntime();
  const c = await checking(be, rt, plan({ fastinter: 20 }, "fastinter"));
  const s1 = be.servers[0]!;
  try {
    for (let i = 0; i < 3; i++) s1.observer!.status(502);
    await until(() => rt.connects.length === 2, "the next check at fastinter", 500);
    assert.equal(s1.checkHealth, 4);
    assert.equal(s1.counters.chkfail, 0);
    assert.equal(s1.counters.hanafail, 1);
    assert.match(
      lines()[0]!,
      /^info Server app\/s1: Detected 3 consecutive errors, last one was: /,
    );
    s1.observer!.status(500);
    s1.observer!.status(500);
    await tick();
    assert.equal(rt.connects.length, 2, "back to inter after one fastinter check");
  } finally {
    c.stop();
  }
  const be2 = backend(), rt2 = new FakeRuntime();
  const c2 = await checking(be2, rt2, plan({ fastinter: 20 }, "fastinter"));
  try {
    const o = be2.servers[0]!.observer!;
    o.status(500);
    o.status(500);
    o.connected(false);
    await until(() => rt2.connects.length === 2, "fastinter check");
    await until(() => be2.servers[0]!.checkHealth === 4, "passed");
    assert.equal((o as unknown as { errors: number }).errors, 0, "a passed check clears errors");
  } finally {
    c2.stop();
  }
});

function recorder(): ServerSession & { got: string[] } {
  const got: string[] = [];
  return { got, serverShutdown: (why) => void got.push(why) };
}

/** Sessions on servers as the proxy would find them: `be` walks this list (what `startPlan` wires). */
function sessionsOf(be: Backend): Map<ServerSession, Server> {
  const on = new Map<ServerSession, Server>();
  be.findSessionsWith((srv) => [...on].filter(([, s]) => s === srv).map(([x]) => x));
  return on;
}

test("onMarkedDown cuts the server's sessions; its idle pooled connections close", async () => {
  const be = backend([{ onMarkedDown: "shutdown-sessions" }, {}], 4);
  const [s1, s2] = be.servers as [typeof be.servers[0], typeof be.servers[0]];
  const on = sessionsOf(be);
  const a = recorder(), b = recorder(), other = recorder();
  for (const [srv, sess] of [[s1!, a], [s1!, b], [s2!, other]] as const) on.set(sess, srv);
  on.delete(b); // ended before: not cut
  const idle = new FakeSocket(undefined), idle2 = new FakeSocket(undefined);
  assert.ok(be.pool.give(s1!, idle) && be.pool.give(s2!, idle2));
  const rt = new FakeRuntime();
  rt.behaviour = { kind: "refuse" };
  const c = new Checker(plan({ observe: null }), be, s1!, rt);
  c.start(0);
  try {
    await until(() => s1!.state === "DOWN", "s1 DOWN");
    assert.deepEqual(a.got, ["D"]);
    assert.deepEqual(b.got, []);
    assert.deepEqual(other.got, []);
    assert.equal(idle.closed, true, "a DOWN server's idle connections are dropped");
    assert.equal(idle2.closed, false);
    assert.equal(be.pool.size, 1);
  } finally {
    c.stop();
  }
});

test("onMarkedUp: an active server coming UP cuts the backup servers' sessions", async () => {
  const be = backend([{ onMarkedUp: "shutdown-backup-sessions" }, { backup: true }, {}]);
  const [s1, bk, s3] = be.servers;
  const on = sessionsOf(be);
  const onBackup = recorder(), onActive = recorder();
  on.set(onBackup, bk!).set(onActive, s3!);
  const rt = new FakeRuntime();
  rt.behaviour = { kind: "refuse" };
  const c = new Checker(plan({ observe: null, fastinter: 5, downinter: 5 }), be, s1!, rt);
  c.start(0);
  try {
    await until(() => s1!.state === "DOWN", "s1 DOWN");
    assert.deepEqual(onBackup.got, [], "going DOWN cuts nothing here");
    rt.behaviour = { kind: "open" };
    await until(() => s1!.state === "UP", "s1 UP");
    assert.deepEqual(onBackup.got, ["U"]);
    assert.deepEqual(onActive.got, [], "only sessions on backup servers are cut");
  } finally {
    c.stop();
  }
});

test("the backend's chkdown and lastchg follow its last server", async () => {
  const be = backend([{}]), rt = new FakeRuntime();
  const before = be.lastChange;
  rt.behaviour = { kind: "refuse" };
  await new Promise((r) => setTimeout(r, 5));
  const c = new Checker(
    plan({ observe: null, fastinter: 5, downinter: 5 }),
    be,
    be.servers[0]!,
    rt,
  );
  c.start(0);
  try {
    await until(() => be.servers[0]!.state === "DOWN", "DOWN");
    assert.equal(be.counters.chkdown, 1);
    assert.ok(be.lastChange > before);
    const down = be.lastChange;
    rt.behaviour = { kind: "open" };
    await until(() => be.servers[0]!.state === "UP", "UP");
    assert.ok(be.lastChange >= down);
    assert.equal(be.counters.chkdown, 1);
  } finally {
    c.stop();
  }
});
