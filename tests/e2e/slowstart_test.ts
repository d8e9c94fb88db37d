/** slowstart in the running proxy: a server brought back UP by its checks gets a small share at first, about half after the ramp. */
import assert from "node:assert/strict";
import { createServer, request, type Server } from "node:http";
import { test } from "node:test";
import { sleep } from "./helpers/net.ts";
import { type RunningProxy, RUNTIMES, startProxy } from "./helpers/proxy.ts";

/** An origin answering its name, which can stop listening and listen again on its port. */
async function origin(name: string) {
  let server: Server;
  const o = {
    port: 0,
    listen: () =>
      new Promise<void>((resolve, reject) => {
        server = createServer((_req, res) => res.end(name));
        server.once("error", reject);
        server.listen(o.port, "127.0.0.1", () => {
          o.port = (server.address() as { port: number }).port;
          resolve();
        });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  await o.listen();
  return o;
}

/** One request on its own connection: the body (the origin's name). */
function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path: "/", agent: false, headers: { connection: "close" } },
      (res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () => resolve(res.statusCode === 200 ? body : `status ${res.statusCode}`));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** Requests in a row from `from` to `to` (ms since the epoch): b's share of them, and how many. */
async function shareOfB(port: number, from: number, to: number) {
  await sleep(Math.max(0, from - Date.now()));
  let n = 0, b = 0;
  while (Date.now() < to) {
    const got = await get(port);
    assert.ok(got === "a" || got === "b", `unexpected answer ${got}`);
    n++;
    if (got === "b") b++;
  }
  return { share: b / n, n };
}

/** The first match of `re` in the proxy's output and the time stamp of its line, within `ms`. */
async function logLine(proxy: RunningProxy, re: RegExp, ms: number): Promise<number> {
  const end = Date.now() + ms;
  for (;;) {
    const out = proxy.output(), m = re.exec(out);
    if (m) {
      const start = out.lastIndexOf("\n", m.index) + 1;
      const t = Date.parse(out.slice(start, out.indexOf(" ", start)));
      assert.ok(Number.isFinite(t), `no time stamp on: ${out.slice(start, m.index + 80)}`);
      return t;
    }
    assert.ok(Date.now() < end, `no log line matching ${re} within ${ms}ms; output:\n${out}`);
    await sleep(10);
  }
}

const SLOWSTART = 2000;

for (const rt of RUNTIMES) {
  test(`${rt}: slowstart: a server back UP gets a small share first, about half after ${SLOWSTART} ms`, async () => {
    const a = await origin("a"), b = await origin("b");
    const check = `check: true, inter: 100ms, rise: 1, fall: 1, slowstart: ${SLOWSTART}ms`;
    const proxy = await startProxy(
      rt,
      `
global: { log: none, hardStopAfter: 1s }
defaults: { mode: http, timeout: { connect: 1s, client: 5s, server: 5s } }
frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app }
backends:
  app:
    balance: roundrobin
    servers:
      - { name: a, address: "127.0.0.1:${a.port}" }
      - { name: b, address: "127.0.0.1:${b.port}", ${check} }
`,
    );
    const port = proxy.ports[0]!;
    try {
      // At start slowstart does not apply: b takes half at once.
      const start = await shareOfB(port, Date.now(), Date.now() + 200);
      assert.ok(Math.abs(start.share - 0.5) <= 0.1, `at start b got ${start.share} of ${start.n}`);
      await b.stop();
      await logLine(proxy, /Server app\/b is DOWN/, 3000);
      await b.listen();
      const up = await logLine(proxy, /Server app\/b is UP/, 3000);
      // b's weight is 1/16..5/16 of a's over the first 500 ms: its share about 6% to 24%.
      const early = await shareOfB(port, up, up + 500);
      const late = await shareOfB(port, up + SLOWSTART + 100, up + SLOWSTART + 600);
      const seen = `first 500 ms: ${early.share} of ${early.n}; after the ramp: ${late.share} ` +
        `of ${late.n}`;
      assert.ok(early.n >= 20 && late.n >= 20, `too few requests: ${seen}`);
      assert.ok(early.share < 0.3, `b took too much while warming up: ${seen}`);
      assert.ok(Math.abs(late.share - 0.5) <= 0.1, `b not back to half: ${seen}`);
      assert.ok(late.share - early.share >= 0.2, seen);
    } finally {
      await proxy.stop();
      await a.stop();
      await b.stop();
    }
  });
}
