/** Faults in HTTP mode: slowloris clients, servers dying mid-response, pooled connections killed by the server. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";
import { sleep, tcpServer } from "./helpers/net.ts";
import {
  curl,
  header,
  httpConfig,
  logLinesOf,
  RawClient,
  rawHttpOrigin,
  waitForLine,
} from "./helpers/http.ts";

const url = (port: number, path = "/") => `http://127.0.0.1:${port}${path}`;

/** Answers the first request on each connection; any later request on it kills it unanswered (RST). */
function killsReusedConnections() {
  return rawHttpOrigin((req, sock, nth) => {
    if (nth === 0) {
      const body = `${req.method} ${req.target}`;
      sock.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    } else sock.resetAndDestroy();
  });
}

for (const rt of RUNTIMES) {
  test(`${rt}: slowloris: a head sent a byte every 200ms is cut by timeout.httpRequest with a 408`, async () => {
    const origin = await rawHttpOrigin();
    const proxy = await startProxy(
      rt,
      httpConfig([["a", origin.port]], { frontend: ", timeout: { httpRequest: 600ms }" }),
    );
    try {
      const c = await RawClient.open(proxy.ports[0]!);
      const head = "GET /slow HTTP/1.1\r\nHost: a\r\nX-Slow: " + "z".repeat(40);
      const t0 = Date.now();
      let sent = 0;
      // at most 40 bytes (8s); the proxy should cut it after ~3
      for (; sent < head.length && sent < 40 && !c.closed; sent++) {
        c.write(head[sent]!);
        await sleep(200);
      }
      assert.ok(await c.waitClosed(2000), `still open after ${sent} bytes`);
      const ms = Date.now() - t0;
      const res = await c.response();
      c.destroy();
      assert.equal(res.status, 408);
      assert.equal(header(res, "connection"), "close");
      assert.ok(ms >= 550 && ms < 1500, `408 came ${ms}ms after the first byte, want ~600ms`);
      assert.equal(origin.accepted, 0, "the origin got a connection");
      assert.equal(origin.received, 0);
      const line = await waitForLine(proxy, new RegExp(`^127\\.0\\.0\\.1:${c.localPort} `));
      assert.match(line, / 408 \d+ - - cR-- /, line);
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: slowloris on a keep-alive connection: the second head is cut too`, async () => {
    const origin = await rawHttpOrigin();
    const proxy = await startProxy(
      rt,
      httpConfig([["a", origin.port]], { frontend: ", timeout: { httpRequest: 600ms }" }),
    );
    try {
      const c = await RawClient.open(proxy.ports[0]!);
      c.write("GET /first HTTP/1.1\r\nHost: a\r\n\r\n");
      assert.equal((await c.response()).status, 200);
      const head = "GET /second HTTP/1.1\r\nHost: a\r\n";
      const t0 = Date.now();
      for (let i = 0; i < head.length && i < 40 && !c.closed; i++) {
        c.write(head[i]!);
        await sleep(200);
      }
      assert.ok(await c.waitClosed(2000), "a slow second head was never cut");
      const ms = Date.now() - t0;
      const res = await c.response();
      c.destroy();
      assert.equal(res.status, 408);
      assert.ok(ms < 1500, `cut after ${ms}ms, want ~600ms`);
      assert.equal(origin.requests.length, 1);
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: a server dying mid-response gives the client a truncated body and logs SD`, async () => {
    const origin = await tcpServer((s) => {
      s.once("data", () => {
        s.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
        s.write(Buffer.alloc(1000, 0x61), () => setTimeout(() => s.destroy(), 50));
      });
    });
    const proxy = await startProxy(rt, httpConfig([["a", origin.port]]));
    try {
      const r = await curl(["-m", "5", url(proxy.ports[0]!, "/die")]);
      assert.equal(r.code, 18, `curl exit ${r.code} (want 18, partial file): ${r.stderr}`);
      assert.equal(r.stdout.length, 1000);
      const line = await waitForLine(proxy, /"GET \/die HTTP\/1\.1"/);
      assert.match(line, / web app\/a .* 200 \d+ - - SD-- /, line);
      // and the proxy still serves
      const again = await curl([
        "-m",
        "5",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        url(proxy.ports[0]!),
      ]);
      assert.equal(again.code, 18, "the second dying response");
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: a GET on a pooled connection the server kills is retried on a fresh one`, async () => {
    const origin = await killsReusedConnections();
    const proxy = await startProxy(rt, httpConfig([["a", origin.port]]));
    try {
      const a = await curl([url(proxy.ports[0]!, "/a1")]);
      assert.equal(a.stdout.toString(), "GET /a1");
      const b = await RawClient.open(proxy.ports[0]!);
      b.write("GET /b1 HTTP/1.1\r\nHost: a\r\n\r\n");
      assert.equal((await b.response()).body.toString(), "GET /b1");
      // the client's second request may take a pooled connection: the server kills it
      b.write("GET /b2 HTTP/1.1\r\nHost: a\r\n\r\n");
      const r = await b.response();
      assert.equal(r.status, 200, `got ${r.status}: ${r.body.toString()}`);
      assert.equal(r.body.toString(), "GET /b2");
      b.destroy();
      // once on the pooled connection the server killed, once on a fresh one
      const b2 = origin.requests.filter((q) => q.target === "/b2");
      assert.equal(b2.length, 2, `/b2 reached the origin ${b2.length} times`);
      assert.notEqual(b2[0]!.conn, b2[1]!.conn, "replayed on the same connection");
      const line = await waitForLine(proxy, /"GET \/b2 HTTP\/1\.1"/);
      assert.match(
        line,
        / 200 \d+ - - ---- \d+\/\d+\/\d+\/\d+\/1 /,
        `retries should be 1: ${line}`,
      );
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: a POST on a pooled connection the server kills is not replayed: 502`, async () => {
    const origin = await killsReusedConnections();
    const proxy = await startProxy(rt, httpConfig([["a", origin.port]]));
    try {
      const c = await RawClient.open(proxy.ports[0]!);
      c.write("GET /c1 HTTP/1.1\r\nHost: a\r\n\r\n");
      assert.equal((await c.response()).status, 200);
      c.write("POST /c2 HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\npayload-once");
      const r = await c.response();
      c.destroy();
      const posts = origin.requests.filter((q) => q.method === "POST");
      assert.equal(posts.length, 1, `the POST reached the origin ${posts.length} times`);
      assert.equal(posts[0]!.body.toString(), "payload-once");
      assert.equal(r.status, 502);
      const line = await waitForLine(proxy, /"POST \/c2 HTTP\/1\.1"/);
      assert.match(line, / 502 \d+ - - SH-- /, line);
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: connections the server closed while idle are dropped from the pool, not reused`, async () => {
    // the server answers, then closes each connection at once (FIN): by the next request the
    // proxy has seen it close and must not hand that connection out, not even for a POST
    const origin = await rawHttpOrigin((req, sock) => {
      const body = `${req.method} ${req.target} ${req.body.toString()}`;
      sock.end(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    });
    const proxy = await startProxy(rt, httpConfig([["a", origin.port]]));
    try {
      const c = await RawClient.open(proxy.ports[0]!);
      c.write("GET /d1 HTTP/1.1\r\nHost: a\r\n\r\n");
      assert.equal((await c.response()).status, 200);
      await sleep(200);
      c.write("POST /d2 HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody");
      const r = await c.response();
      assert.equal(r.status, 200, `the POST got ${r.status} ${r.body.toString()}`);
      assert.equal(r.body.toString(), "POST /d2 body");
      await sleep(200);
      c.write("GET /d3 HTTP/1.1\r\nHost: a\r\n\r\n");
      const r3 = await c.response();
      assert.equal(r3.status, 200);
      c.destroy();
      assert.equal(origin.requests.filter((q) => q.method === "POST").length, 1);
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: a server that closes without any response byte gives a 502 (SH)`, async () => {
    const origin = await tcpServer((s) => s.once("data", () => s.end()));
    const proxy = await startProxy(rt, httpConfig([["a", origin.port]]));
    try {
      const c = await RawClient.open(proxy.ports[0]!);
      c.write("GET /empty HTTP/1.1\r\nHost: a\r\n\r\n");
      const r = await c.response();
      assert.equal(r.status, 502);
      assert.equal(header(r, "connection"), "close");
      assert.ok(await c.waitClosed(2000));
      c.destroy();
      const line = await waitForLine(proxy, new RegExp(`^127\\.0\\.0\\.1:${c.localPort} `));
      assert.match(line, / 502 \d+ - - SH-- /, line);
      assert.equal(logLinesOf(proxy, c.localPort).length, 1);
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });
}
