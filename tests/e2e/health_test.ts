/** Active health checks in the running proxy: servers go DOWN and UP by rise/fall, traffic follows. */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { test } from "node:test";
import { type Origin, sleep, tcpServer } from "./helpers/net.ts";
import { type RunningProxy, RUNTIMES, startProxy } from "./helpers/proxy.ts";

/** One check request as the origin saw it: when, and the status it answered. */
interface SeenCheck {
  at: number;
  status: number;
}

/** A node:http origin answering its name; `/health` answers `healthStatus`; can stop and restart. */
interface HttpOrigin {
  readonly name: string;
  readonly port: number;
  healthStatus: number;
  /** Status of every other answer. */
  status: number;
  readonly checks: SeenCheck[];
  stop(): Promise<void>;
  restart(): Promise<void>;
}

async function httpOrigin(name: string): Promise<HttpOrigin> {
  const checks: SeenCheck[] = [];
  let server: Server;
  const o = {
    name,
    port: 0,
    healthStatus: 200,
    status: 200,
    checks,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    restart: () => listen(o.port),
  };
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server = createServer((req, res) => {
        if (req.url === "/health") {
          checks.push({ at: Date.now(), status: o.healthStatus });
          res.writeHead(o.healthStatus).end();
        } else res.writeHead(o.status).end(name);
      });
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        o.port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  await listen(0);
  return o;
}

function config(servers: { name: string; port: number }[], extra: string, check: string): string {
  return `
global: { log: none }
defaults: { mode: http, timeout: { connect: 1s } }
frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app }
backends:
  app:
${extra}
    servers:
${
    servers.map((s) => `      - { name: ${s.name}, address: "127.0.0.1:${s.port}", ${check} }`)
      .join("\n")
  }
`;
}

/** Resolves with the first match of `re` in the proxy's output, waiting at most `ms`. */
async function logLine(proxy: RunningProxy, re: RegExp, ms: number): Promise<RegExpMatchArray> {
  const end = Date.now() + ms;
  for (;;) {
    const m = proxy.output().match(re);
    if (m) return m;
    if (Date.now() > end) {
      throw new Error(`no log line matching ${re} within ${ms}ms; output:\n${proxy.output()}`);
    }
    await sleep(10);
  }
}

/** The time stamp (ms since the epoch) at the start of the log line holding `m`. */
function stamp(proxy: RunningProxy, m: RegExpMatchArray): number {
  const out = proxy.output();
  const start = out.lastIndexOf("\n", m.index!) + 1;
  const t = Date.parse(out.slice(start, out.indexOf(" ", start)));
  assert.ok(Number.isFinite(t), `no time stamp on log line: ${out.slice(start, m.index! + 80)}`);
  return t;
}

async function get(port: number): Promise<{ status: number; body: string }> {
  const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3000) });
  return { status: r.status, body: await r.text() };
}

/** `n` requests in a row; the bodies (the origins' names) they got. */
async function names(port: number, n: number): Promise<string[]> {
  const got: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await get(port);
    assert.equal(r.status, 200, `request ${i}: ${r.status} ${r.body}`);
    got.push(r.body);
  }
  return got;
}

const TCP = "check: true, inter: 100ms, rise: 2, fall: 2";
const HTTP_CHECK = "    httpCheck: { method: GET, uri: /health, expect: status 200 }";

for (const rt of RUNTIMES) {
  test(`${rt}: a server whose port closes goes DOWN, no request fails, and it comes back UP`, async () => {
    const a = await httpOrigin("a"), b = await httpOrigin("b");
    const proxy = await startProxy(rt, config([a, b], "", TCP));
    const port = proxy.ports[0]!;
    try {
      await sleep(300); // a few passed checks: both fully UP
      assert.deepEqual(new Set(await names(port, 6)), new Set(["a", "b"]));
      await b.stop();
      const down = new RegExp(
        'Server app/b is DOWN, reason: Layer4 connection problem, info: "Connection refused", ' +
          "check duration: \\d+ms\\. 1 active and 0 backup servers left\\.",
      );
      const deadline = Date.now() + 2 * 100 + 1500;
      while (!down.test(proxy.output())) {
        assert.ok(Date.now() < deadline, `b not DOWN in time; output:\n${proxy.output()}`);
        assert.deepEqual(await names(port, 1), ["a"], "b is closed: a answers, or the retry does");
      }
      assert.deepEqual(new Set(await names(port, 10)), new Set(["a"]));
      await b.restart();
      await logLine(
        proxy,
        new RegExp(
          "Server app/b is UP, reason: Layer4 check passed, check duration: \\d+ms\\. " +
            "2 active and 0 backup servers online\\.",
        ),
        2 * 100 + 1500,
      );
      assert.ok((await names(port, 10)).includes("b"), "b gets traffic again once UP");
    } finally {
      await proxy.stop();
      await a.stop();
      await b.stop();
    }
  });

  test(`${rt}: httpCheck expect status 200 takes a server answering 500 DOWN`, async () => {
    const a = await httpOrigin("a"), b = await httpOrigin("b");
    b.healthStatus = b.status = 500;
    const proxy = await startProxy(
      rt,
      config([a, b], HTTP_CHECK, TCP),
    );
    try {
      await logLine(
        proxy,
        new RegExp(
          'Server app/b is DOWN, reason: Layer7 wrong status, code: 500, info: "Internal Server ' +
            'Error", check duration: \\d+ms\\. 1 active and 0 backup servers left\\.',
        ),
        1500,
      );
      assert.deepEqual(new Set(await names(proxy.ports[0]!, 10)), new Set(["a"]));
      assert.ok(a.checks.every((c) => c.status === 200) && a.checks.length > 0);
    } finally {
      await proxy.stop();
      await a.stop();
      await b.stop();
    }
  });

  test(`${rt}: a server that accepts but never answers fails with Layer7 timeout`, async () => {
    const a = await httpOrigin("a");
    const hang: Origin = await tcpServer(() => {});
    const proxy = await startProxy(
      rt,
      config([a, { name: "h", port: hang.port }], HTTP_CHECK, TCP),
    );
    try {
      const m = await logLine(
        proxy,
        /Server app\/h is DOWN, reason: Layer7 timeout, check duration: (\d+)ms\./,
        1500,
      );
      const took = Number(m[1]);
      assert.ok(took >= 90 && took < 1000, `the check should end at inter (100ms), took ${took}ms`);
      assert.deepEqual(new Set(await names(proxy.ports[0]!, 6)), new Set(["a"]));
    } finally {
      await proxy.stop();
      await a.stop();
      await hang.close();
    }
  });

  test(`${rt}: exactly fall failed checks take a server DOWN, exactly rise bring it UP`, async () => {
    const a = await httpOrigin("a"), b = await httpOrigin("b");
    const check = "check: true, inter: 150ms, rise: 3, fall: 2";
    const proxy = await startProxy(
      rt,
      config([a, b], HTTP_CHECK, check),
    );
    try {
      for (let i = 0; b.checks.length < 2; i++) {
        assert.ok(i < 200, "b was not checked twice within 2s");
        await sleep(10);
      }
      b.healthStatus = 503;
      const down = await logLine(
        proxy,
        /Server app\/b is DOWN, reason: Layer7 wrong status, code: 503/,
        2000,
      );
      const tDown = stamp(proxy, down);
      const failed = b.checks.filter((c) => c.status === 503 && c.at <= tDown);
      assert.equal(failed.length, 2, `fall 2: ${failed.length} failed checks before the DOWN line`);
      const back = Date.now();
      b.healthStatus = 200;
      const up = await logLine(
        proxy,
        /Server app\/b is UP, reason: Layer7 check passed, code: 200/,
        2000,
      );
      const tUp = stamp(proxy, up);
      const passed = b.checks.filter((c) => c.status === 200 && c.at >= back && c.at <= tUp);
      assert.equal(passed.length, 3, `rise 3: ${passed.length} passed checks before the UP line`);
    } finally {
      await proxy.stop();
      await a.stop();
      await b.stop();
    }
  });

  test(`${rt}: with every server DOWN a request gets 503 at once`, async () => {
    const a = await httpOrigin("a"), b = await httpOrigin("b");
    const proxy = await startProxy(rt, config([a, b], "", TCP));
    try {
      await sleep(300);
      await a.stop();
      await b.stop();
      await logLine(proxy, /backend app has no server available!/, 2 * 100 + 1500);
      const t0 = Date.now();
      const r = await get(proxy.ports[0]!);
      assert.equal(r.status, 503);
      assert.ok(Date.now() - t0 < 1000, `503 took ${Date.now() - t0}ms`);
    } finally {
      await proxy.stop();
    }
  });
}
