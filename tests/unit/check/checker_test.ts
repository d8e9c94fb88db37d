/** Tests for Checker and startChecks over a scripted runtime: counts, state changes, log lines, stop. */
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import { configure, type LogRecord, reset } from "@logtape/logtape";
import { Backend } from "../../../src/backend/backend.ts";
import { Checker, type CheckPlan, checkTimeouts, startChecks } from "../../../src/check/mod.ts";
import { parseExpect } from "../../../src/check/expect.ts";
import type { HttpCheckSpec } from "../../../src/check/http_check.ts";
import { FakeRuntime, until } from "./fake_runtime.ts";
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

function backend(names = ["s1", "s2"]): Backend {
  return testBackend({ servers: names.map((name) => ({ name })) });
}

function plan(over: Partial<CheckPlan> = {}): CheckPlan {
  return {
    backend: "app",
    server: "s1",
    host: "127.0.0.1",
    port: 9000,
    rise: 2,
    fall: 3,
    inter: 5,
    fastinter: 5,
    downinter: 5,
    connectTimeout: 1000,
    checkTimeout: null,
    http: null,
    ...over,
  };
}

function httpSpec(expect: string, method = "GET", uri = "/"): HttpCheckSpec {
  const r = parseExpect(expect);
  if (!r.ok) throw new TypeError(r.error);
  return { method, uri, version: "HTTP/1.0", headers: {}, expect: r.expect };
}

function run(be: Backend, rt: FakeRuntime, p: CheckPlan): Checker {
  const c = new Checker(p, be, be.servers.find((s) => s.name === p.server)!, rt);
  c.start(0);
  return c;
}

test("Checker: a refused first check takes the server DOWN and logs it HAProxy's way", async () => {
  const be = backend(), rt = new FakeRuntime();
  rt.behaviour = { kind: "refuse" };
  const c = run(be, rt, plan());
  try {
    await until(() => be.servers[0]!.state === "DOWN", "s1 DOWN");
    assert.equal(rt.connects.length, 1, "health starts at rise: one failure is enough");
    assert.equal(be.servers[0]!.counters.chkdown, 1);
    assert.equal(be.servers[0]!.lastCheck?.status, "Layer4 connection problem");
    assert.match(
      lines()[0]!,
      new RegExp(
        '^warning Server app/s1 is DOWN, reason: Layer4 connection problem, info: "Connection ' +
          'refused", check duration: \\d+ms\\. 1 active and 0 backup servers left\\.$',
      ),
    );
  } finally {
    c.stop();
  }
});

test("Checker counts fall and rise exactly, moving state and logging each change", async () => {
  const be = backend(), rt = new FakeRuntime();
  const s1 = be.servers[0]!;
  const c = run(be, rt, plan());
  try {
    await until(() => rt.connects.length >= 2, "two passed checks");
    assert.equal(s1.state, "UP");
    assert.equal(s1.checkHealth, 4, "fully up");
    rt.behaviour = { kind: "refuse" };
    const before = rt.connects.length;
    await until(() => s1.state === "DOWN", "s1 DOWN");
    assert.equal(rt.connects.length - before, 3, "fall 3: three failed checks");
    rt.behaviour = { kind: "open" };
    const down = rt.connects.length;
    await until(() => s1.state === "UP", "s1 UP");
    assert.equal(rt.connects.length - down, 2, "rise 2: two passed checks");
    assert.equal(s1.counters.chkfail, 3);
    assert.match(
      lines()[1]!,
      new RegExp(
        "^warning Server app/s1 is UP, reason: Layer4 check passed, check duration: \\d+ms\\. " +
          "2 active and 0 backup servers online\\.$",
      ),
    );
    assert.ok(rt.sockets.every((s) => s.closed), "every check socket is closed");
  } finally {
    c.stop();
  }
});

test("Checker: the last server going DOWN logs that the backend has no server left", async () => {
  const be = backend(["s1"]), rt = new FakeRuntime();
  rt.behaviour = { kind: "timeout" };
  const c = run(be, rt, plan());
  try {
    await until(() => records.length >= 2, "two log lines");
    assert.match(
      lines()[0]!,
      /is DOWN, reason: Layer4 timeout, check duration: \d+ms\. 0 active and 0 backup servers left\.$/,
    );
    assert.equal(lines()[1], "error backend app has no server available!");
  } finally {
    c.stop();
  }
});

test("Checker: an HTTP check answered 500 goes DOWN with code and reason", async () => {
  const be = backend(), rt = new FakeRuntime();
  rt.behaviour = { kind: "open", reply: "HTTP/1.0 500 Internal Server Error\r\n\r\n" };
  const http = httpSpec("status 200", "GET", "/health");
  const c = run(be, rt, plan({ http }));
  try {
    await until(() => be.servers[0]!.state === "DOWN", "s1 DOWN");
    assert.equal(rt.sockets[0]!.written, "GET /health HTTP/1.0\r\n\r\n");
    assert.match(
      lines()[0]!,
      /is DOWN, reason: Layer7 wrong status, code: 500, info: "Internal Server Error", check duration: \d+ms\. 1 active/,
    );
  } finally {
    c.stop();
  }
});

test("Checker: an HTTP check that gets no reply fails with Layer7 timeout within inter", async () => {
  const be = backend(), rt = new FakeRuntime();
  rt.behaviour = { kind: "open" };
  const http = httpSpec("status 200");
  const c = run(be, rt, plan({ http, inter: 40 }));
  try {
    await until(() => be.servers[0]!.state === "DOWN", "s1 DOWN");
    assert.equal(be.servers[0]!.lastCheck?.status, "Layer7 timeout");
    assert.ok(
      be.servers[0]!.lastCheck!.durationMs >= 35,
      `took ${be.servers[0]!.lastCheck!.durationMs}ms`,
    );
    assert.ok(rt.sockets[0]!.closed);
  } finally {
    c.stop();
  }
});

test("Checker.stop() ends checks at once and closes a check in flight", async () => {
  const be = backend(), rt = new FakeRuntime();
  rt.behaviour = { kind: "open" };
  const http = httpSpec("status 200");
  const c = run(be, rt, plan({ http, inter: 10_000 }));
  await until(() => rt.sockets.length === 1, "a check in flight");
  c.stop();
  assert.equal(rt.sockets[0]!.closed, true);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(rt.connects.length, 1);
  assert.equal(be.servers[0]!.state, "UP", "an abandoned check counts for nothing");
  assert.equal(be.servers[0]!.checked, false);
});

test("Checker: a server in MAINT is not checked", async () => {
  const be = backend(), rt = new FakeRuntime();
  be.servers[0]!.state = "MAINT";
  const c = run(be, rt, plan());
  await new Promise((r) => setTimeout(r, 30));
  c.stop();
  assert.equal(rt.connects.length, 0);
  assert.equal(be.servers[0]!.state, "MAINT");
});

test("checkTimeouts(): inter bounds the whole check unless timeout.check is set", () => {
  const t = checkTimeouts(plan({ inter: 2000, connectTimeout: 5000 }));
  assert.equal(t.connect, 2000);
  assert.equal(t.read(300), 1700);
  const c = checkTimeouts(plan({ inter: 2000, connectTimeout: 500, checkTimeout: 800 }));
  assert.equal(c.connect, 500);
  assert.equal(c.read(300), 800);
  assert.equal(
    checkTimeouts(plan({ inter: 100, connectTimeout: 500, checkTimeout: 800 })).connect,
    100,
  );
});

test("startChecks() spreads first checks over the first interval and stops them all", async () => {
  const be = backend(["a", "b", "c", "d"]), rt = new FakeRuntime();
  const plans = be.servers.map((s) =>
    plan({ server: s.name, port: s.port, inter: 400, fastinter: 400 })
  );
  const checks = startChecks(plans, new Map([["app", be]]), rt);
  try {
    await until(() => rt.connects.length >= 1, "the first check");
    assert.deepEqual(rt.connects.map((o) => o.port), [9000], "only the first starts at once");
    await until(() => rt.connects.length === 4, "one check per server", 1000);
    assert.deepEqual(rt.connects.map((o) => o.port), [9000, 9001, 9002, 9003]);
  } finally {
    checks.stop();
  }
  assert.ok(be.servers.every((s) => !s.checked));
  assert.throws(
    () => startChecks([plan({ server: "nope" })], new Map([["app", be]]), rt),
    /health check for app\/nope: no such backend or server/,
  );
});
