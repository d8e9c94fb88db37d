/** TCP mode end to end, with the proxy run under Deno, Bun and as the compiled binary. */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";
import {
  blackhole,
  closedPort,
  connect,
  echoServer,
  exchange,
  namedServer,
  sha256,
  sleep,
  tcpServer,
} from "./helpers/net.ts";

/** A one-frontend, one-backend TCP config. */
function tcpConfig(
  servers: string,
  extra: { frontend?: string; backend?: string; global?: string } = {},
) {
  return `
global: { ${extra.global ?? "maxconn: 1000"}, hardStopAfter: 5s }
defaults: { timeout: { connect: 2s, client: 30s, server: 30s } }
frontends:
  fe: { bind: ["127.0.0.1:0"], mode: tcp, defaultBackend: be ${extra.frontend ?? ""} }
backends:
  be:
    mode: tcp
    balance: roundrobin
    ${extra.backend ?? ""}
    servers:
${servers}
`;
}

const server = (name: string, port: number, more = "") =>
  `      - { name: ${name}, address: "127.0.0.1:${port}" ${more} }`;

for (const rt of RUNTIMES) {
  test(`${rt}: random payloads from 1 byte to 64 MiB cross intact both ways (echo, by hash)`, async () => {
    const origin = await echoServer();
    const proxy = await startProxy(rt, tcpConfig(server("echo", origin.port)));
    try {
      for (const size of [1, 1000, 65_537, 1024 * 1024 + 3, 64 * 1024 * 1024]) {
        const payload = randomBytes(size);
        const r = await exchange(proxy.ports[0]!, payload, { timeoutMs: 60_000 });
        assert.equal(r.data.length, size, `size ${size}: got ${r.data.length} bytes back`);
        assert.equal(sha256(r.data), sha256(payload), `size ${size}: hash differs`);
      }
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: a download of 32 MiB arrives intact after the client half-closed first`, async () => {
    const payload = randomBytes(32 * 1024 * 1024);
    const origin = await tcpServer((s) => s.on("end", () => s.end(payload)));
    const proxy = await startProxy(rt, tcpConfig(server("dl", origin.port)));
    try {
      const r = await exchange(proxy.ports[0]!, "", { timeoutMs: 60_000 });
      assert.equal(sha256(r.data), sha256(payload));
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: half-close: the client shuts its write side and still reads the reply`, async () => {
    const origin = await tcpServer((s) => {
      let got = "";
      s.on("data", (d) => (got += d));
      s.on("end", () => setTimeout(() => s.end(`reply to ${got}`), 100));
    });
    const proxy = await startProxy(rt, tcpConfig(server("o", origin.port)));
    try {
      const r = await exchange(proxy.ports[0]!, "question");
      assert.equal(r.data.toString(), "reply to question");
      assert.equal(r.how, "end");
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: weights 3:1 split 400 connections 3:1 within 5%`, async () => {
    const a = await namedServer("a"), b = await namedServer("b");
    const proxy = await startProxy(
      rt,
      tcpConfig(
        [server("a", a.port, ", weight: 3"), server("b", b.port, ", weight: 1")].join("\n"),
      ),
    );
    try {
      const counts: Record<string, number> = { a: 0, b: 0 };
      for (let i = 0; i < 400; i++) {
        const r = await exchange(proxy.ports[0]!);
        const name = r.data.toString();
        counts[name] = (counts[name] ?? 0) + 1;
      }
      assert.equal(counts.a! + counts.b!, 400, JSON.stringify(counts));
      assert.ok(Math.abs(counts.a! - 300) <= 15, `a got ${counts.a} of 400, want 300±15`);
    } finally {
      await proxy.stop();
      await a.close();
      await b.close();
    }
  });

  test(`${rt}: a dead server is skipped and every client still gets through`, async () => {
    const live = await namedServer("live");
    const dead = await closedPort();
    const proxy = await startProxy(
      rt,
      tcpConfig([server("dead", dead), server("live", live.port)].join("\n")),
    );
    try {
      for (let i = 0; i < 20; i++) {
        const r = await exchange(proxy.ports[0]!);
        assert.equal(r.data.toString(), "live", `connection ${i}`);
      }
    } finally {
      await proxy.stop();
      await live.close();
    }
  });

  test(`${rt}: the connect timeout to a blackholed server is honoured, then the client is closed`, async () => {
    const hole = await blackhole();
    const proxy = await startProxy(
      rt,
      tcpConfig(server("hole", hole.port), {
        backend: "retries: 1\n    timeout: { connect: 300ms }",
      }),
    );
    try {
      const r = await exchange(proxy.ports[0]!, "hello", { keepOpen: true, timeoutMs: 5000 });
      assert.equal(r.data.length, 0);
      // two attempts (retries: 1) of 300 ms each
      assert.ok(r.ms >= 550, `closed after ${r.ms}ms, before the connect timeouts ran out`);
      assert.ok(r.ms < 2000, `closed after ${r.ms}ms, long after the 2 × 300ms connect timeouts`);
    } finally {
      await proxy.stop();
      hole.close();
    }
  });

  test(`${rt}: frontend maxconn holds: the N+1th connection waits, then is served`, async () => {
    const origin = await echoServer();
    const proxy = await startProxy(
      rt,
      tcpConfig(server("o", origin.port), { frontend: ", maxconn: 2" }),
    );
    try {
      const port = proxy.ports[0]!;
      const c1 = await connect(port), c2 = await connect(port);
      await sleep(200);
      assert.equal(origin.open, 2);
      const third = exchange(port, "third");
      await sleep(400);
      assert.equal(origin.open, 2, "the third connection must wait while two are open");
      c1.destroy();
      const r = await third;
      assert.equal(r.data.toString(), "third");
      assert.equal(origin.accepted, 3);
      c2.destroy();
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: global maxconn holds across frontends`, async () => {
    const origin = await echoServer();
    const cfg = tcpConfig(server("o", origin.port), { global: "maxconn: 1" })
      .replace(`bind: ["127.0.0.1:0"]`, `bind: ["127.0.0.1:0", "127.0.0.1:0"]`);
    const proxy = await startProxy(rt, cfg, 2);
    try {
      const c1 = await connect(proxy.ports[0]!);
      await sleep(200);
      const second = exchange(proxy.ports[1]!, "second");
      await sleep(400);
      assert.equal(origin.accepted, 1, "the second bind must wait for the global slot");
      c1.destroy();
      assert.equal((await second).data.toString(), "second");
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: SIGTERM stops accepting, lets an open connection finish, then exits 0`, async () => {
    const origin = await echoServer();
    const proxy = await startProxy(rt, tcpConfig(server("o", origin.port)));
    const port = proxy.ports[0]!;
    const c = await connect(port);
    const got: Buffer[] = [];
    c.on("data", (d) => got.push(d));
    const closed = new Promise((r) => c.on("close", r));
    c.write("before ");
    await sleep(150);
    proxy.signal("SIGTERM");
    await sleep(300);
    await assert.rejects(connect(port), "new connections are refused after SIGTERM");
    c.write("after");
    await sleep(150);
    c.end();
    await closed;
    assert.equal(Buffer.concat(got).toString(), "before after");
    assert.equal(await proxy.exited, 0);
    await origin.close();
  });

  test(`${rt}: idle client timeout closes a silent connection`, async () => {
    const origin = await echoServer();
    const proxy = await startProxy(
      rt,
      tcpConfig(server("o", origin.port), { frontend: ", timeout: { client: 300ms }" }),
    );
    try {
      const r = await exchange(proxy.ports[0]!, "x", { keepOpen: true, timeoutMs: 5000 });
      assert.equal(r.data.toString(), "x");
      assert.ok(r.ms >= 280 && r.ms < 2000, `closed after ${r.ms}ms, want about 300ms`);
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });
}

for (const rt of RUNTIMES) {
  test(`${rt}: a Ctrl-C forwarded twice at once (deno task, npm) still stops gracefully; a later one exits at once`, async () => {
    const origin = await echoServer();
    try {
      const p1 = await startProxy(rt, tcpConfig(server("o", origin.port)));
      p1.signal("SIGINT");
      p1.signal("SIGINT");
      assert.equal(await p1.exited, 0, p1.output());
      assert.match(p1.output(), /stopped/);

      const p2 = await startProxy(rt, tcpConfig(server("o", origin.port)));
      // An open session keeps the graceful stop waiting; the echo proves the proxy accepted it.
      const held = await connect(p2.ports[0]!);
      const echoed = new Promise((r) => held.once("data", r));
      held.write("x");
      await echoed;
      p2.signal("SIGINT");
      await sleep(500);
      p2.signal("SIGINT");
      assert.equal(await p2.exited, 1, p2.output());
      assert.match(p2.output(), /received again: exiting now/);
      held.destroy();
    } finally {
      await origin.close();
    }
  });
}
