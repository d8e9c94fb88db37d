/** Passive health checks and on-marked-down in the running proxy: observe layer7 + mark-down, shutdown-sessions. */
import assert from "node:assert/strict";
import { createServer, type Server as HttpServer } from "node:http";
import net from "node:net";
import { test } from "node:test";
import { sleep } from "./helpers/net.ts";
import { type RunningProxy, RUNTIMES, startProxy } from "./helpers/proxy.ts";

/** A node:http origin answering its name with `status`; counts the requests it answered. */
interface HttpOrigin {
  readonly port: number;
  status: number;
  served: number;
  stop(): Promise<void>;
}

function httpOrigin(name: string): Promise<HttpOrigin> {
  return new Promise((resolve) => {
    const server: HttpServer = createServer((_req, res) => {
      o.served++;
      res.writeHead(o.status).end(name);
    });
    const o: HttpOrigin = {
      port: 0,
      status: 200,
      served: 0,
      stop: () =>
        new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        }),
    };
    server.listen(0, "127.0.0.1", () => {
      (o as { port: number }).port = (server.address() as net.AddressInfo).port;
      resolve(o);
    });
  });
}

/**
 * A TCP origin that writes its name and a newline, then echoes. `stopListening()` refuses new
 * connections (health checks fail) and keeps the open ones: only the proxy can cut those.
 */
interface TcpOrigin {
  readonly name: string;
  readonly port: number;
  stopListening(): Promise<void>;
  close(): void;
}

function tcpOrigin(name: string): Promise<TcpOrigin> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    sockets.add(s);
    s.on("error", () => {});
    s.on("close", () => sockets.delete(s));
    s.write(`${name}\n`);
    s.pipe(s);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({
        name,
        port: (server.address() as net.AddressInfo).port,
        stopListening: () => new Promise<void>((r) => server.close(() => r())),
        close() {
          for (const s of sockets) s.destroy();
          server.close();
        },
      });
    });
  });
}

/** A client connection that collects what it receives and notes when it closes. */
interface Client {
  readonly socket: net.Socket;
  received(): string;
  readonly closedAt: Promise<number>;
}

function client(port: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    let data = "";
    const socket = net.connect({ host: "127.0.0.1", port, allowHalfOpen: true });
    socket.on("data", (d) => (data += d.toString()));
    socket.on("error", () => {});
    // the proxy's close shows as an end (half-open allowed) or a reset
    const closedAt = new Promise<number>((r) => {
      socket.on("end", () => r(Date.now()));
      socket.on("close", () => r(Date.now()));
    });
    socket.once("connect", () => resolve({ socket, received: () => data, closedAt }));
    socket.once("error", reject);
  });
}

async function until(cond: () => boolean, what: string, ms: number, out?: () => string) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms}ms\n${out?.() ?? ""}`);
    await sleep(5);
  }
}

/** An HTTP origin: /health answers `health`, /slow never answers, anything else its name. */
function slowOrigin(name: string): Promise<{ port: number; health: number; stop(): void }> {
  return new Promise((resolve) => {
    const server: HttpServer = createServer((req, res) => {
      if (req.url === "/health") res.writeHead(o.health).end();
      else if (req.url !== "/slow") res.writeHead(200).end(name);
    });
    const o = {
      port: 0,
      health: 200,
      stop() {
        server.closeAllConnections();
        server.close();
      },
    };
    server.listen(0, "127.0.0.1", () => {
      o.port = (server.address() as net.AddressInfo).port;
      resolve(o);
    });
  });
}

async function get(port: number): Promise<{ status: number; body: string }> {
  const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3000) });
  return { status: r.status, body: await r.text() };
}

for (const rt of RUNTIMES) {
  test(`${rt}: observe layer7 + mark-down takes a server answering 500 DOWN after exactly errorLimit errors`, async () => {
    const a = await httpOrigin("a"), b = await httpOrigin("b");
    let proxy: RunningProxy | null = null;
    try {
      proxy = await startProxy(
        rt,
        `
global: { log: none }
defaults: { mode: http, timeout: { connect: 1s } }
frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app }
backends:
  app:
    servers:
      - { name: a, address: "127.0.0.1:${a.port}" }
      - name: b
        address: "127.0.0.1:${b.port}"
        check: true
        inter: 60s
        observe: layer7
        errorLimit: 3
        onError: mark-down
`,
      );
      const port = proxy.ports[0]!;
      const first = [await get(port), await get(port)];
      assert.deepEqual(new Set(first.map((r) => r.body)), new Set(["a", "b"]), "both serve");
      b.status = 500;
      const servedBefore = b.served;
      const got: string[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await get(port);
        got.push(`${r.status} ${r.body}`);
      }
      assert.equal(b.served - servedBefore, 3, `b answered exactly errorLimit requests: ${got}`);
      assert.equal(got.filter((g) => g === "500 b").length, 3);
      assert.deepEqual(got.slice(-10), Array(10).fill("200 a"), "then only a");
      const down = new RegExp(
        'Server app/b is DOWN, reason: Health analyze, info: "Detected 3 consecutive errors, ' +
          'last one was: Wrong http response"\\. 1 active and 0 backup servers left\\.',
      );
      await until(() => down.test(proxy!.output()), "the DOWN line", 2000, proxy.output);
    } finally {
      await proxy?.stop();
      await a.stop();
      await b.stop();
    }
  });

  test(`${rt}: onMarkedDown shutdown-sessions cuts an HTTP request waiting on a server that goes DOWN`, async () => {
    const x = await slowOrigin("x"), y = await slowOrigin("y");
    let proxy: RunningProxy | null = null;
    try {
      const check = "check: true, inter: 100ms, fall: 2, onMarkedDown: shutdown-sessions";
      proxy = await startProxy(
        rt,
        `
defaults: { mode: http, timeout: { connect: 1s, server: 30s, client: 30s } }
frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app }
backends:
  app:
    balance: first
    httpCheck: { method: GET, uri: /health }
    servers:
      - { name: x, address: "127.0.0.1:${x.port}", ${check} }
      - { name: y, address: "127.0.0.1:${y.port}", ${check} }
`,
      );
      const port = proxy.ports[0]!;
      await sleep(300);
      const started = Date.now();
      const waiting = fetch(`http://127.0.0.1:${port}/slow`, { signal: AbortSignal.timeout(5000) })
        .then(
          (r) => `${r.status}`,
          (e: Error) => `failed after ${Date.now() - started}ms: ${e.name}`,
        );
      await sleep(100);
      x.health = 500;
      const outcome = await waiting;
      assert.match(outcome, /^failed after \d+ms: (?!TimeoutError)/, outcome);
      const out = () => proxy!.output();
      await until(() => / DH-- .*"GET \/slow/.test(out()), "the request's log line", 2000, out);
      const down = /Server app\/x is DOWN, reason: Layer7 wrong status, code: 500/;
      await until(() => down.test(out()), "the DOWN line", 2000, out);
      assert.equal((await get(port)).body, "y");
    } finally {
      await proxy?.stop();
      x.stop();
      y.stop();
    }
  });

  test(`${rt}: onMarkedDown shutdown-sessions closes a long-lived TCP session when its server goes DOWN`, async () => {
    const origins = [await tcpOrigin("a"), await tcpOrigin("b")];
    let proxy: RunningProxy | null = null;
    const inter = 100, fall = 2;
    try {
      const servers = origins.map((o) =>
        `      - { name: ${o.name}, address: "127.0.0.1:${o.port}", check: true, ` +
        `inter: ${inter}ms, rise: 2, fall: ${fall}, onMarkedDown: shutdown-sessions }`
      ).join("\n");
      proxy = await startProxy(
        rt,
        `
global: { hardStopAfter: 2s }
defaults: { mode: tcp, timeout: { connect: 1s, client: 30s, server: 30s } }
frontends:
  tcp: { bind: ["127.0.0.1:0"], defaultBackend: app }
backends:
  app:
    servers:
${servers}
`,
      );
      const port = proxy.ports[0]!;
      await sleep(3 * inter); // a few passed checks: both fully UP
      const c = await client(port);
      await until(() => c.received().includes("\n"), "the origin's name", 2000);
      const name = c.received().trim();
      const mine = origins.find((o) => o.name === name)!;
      const other = origins.find((o) => o !== mine)!;
      c.socket.write("ping");
      await until(() => c.received().endsWith("ping"), "the echo", 2000);
      const stopped = Date.now();
      // checks fail from now on; the session itself still works (close waits for it to end)
      void mine.stopListening();
      const closed = await Promise.race([c.closedAt, sleep(5000).then(() => -1)]);
      assert.ok(closed > 0, `the session was not closed; output:\n${proxy.output()}`);
      const took = closed - stopped;
      assert.ok(took < inter * fall + 1000, `closed after ${took}ms`);
      const out = () => proxy!.output();
      await until(() => out().includes(`Server app/${name} is DOWN`), "the DOWN line", 2000, out);
      await until(() => / DD /.test(out()), "the session's log line (DD)", 2000, out);
      const next = await client(port);
      await until(() => next.received().includes("\n"), "a new connection's origin", 2000);
      assert.equal(next.received().trim(), other.name, "a new connection goes to the healthy one");
      next.socket.destroy();
    } finally {
      await proxy?.stop();
      for (const o of origins) o.close();
    }
  });
}
