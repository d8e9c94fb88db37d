/** HTTP mode end to end with curl and raw sockets: keep-alive, added and removed headers, bodies, framing, error pages. */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { test } from "node:test";
import { RUNTIMES, startProxy, writeTemp } from "./helpers/proxy.ts";
import { closedPort, sha256, tcpServer } from "./helpers/net.ts";
import {
  curl,
  type EchoedRequest,
  header,
  httpConfig,
  jsonEchoOrigin,
  logLinesOf,
  RawClient,
  rawHttpOrigin,
  until,
  waitForLine,
} from "./helpers/http.ts";

const url = (port: number, path = "/") => `http://127.0.0.1:${port}${path}`;

/** The header values node:http saw under `name` (any case). */
function rawValues(e: EchoedRequest, name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < e.rawHeaders.length; i += 2) {
    if (e.rawHeaders[i]!.toLowerCase() === name.toLowerCase()) out.push(e.rawHeaders[i + 1]!);
  }
  return out;
}

for (const rt of RUNTIMES) {
  test(`${rt}: keep-alive: one curl with three URLs uses one client connection`, async () => {
    const origin = await jsonEchoOrigin();
    const proxy = await startProxy(rt, httpConfig([["a", origin.port]]));
    try {
      const p = proxy.ports[0]!;
      const r = await curl(["-v", url(p, "/1"), url(p, "/2"), url(p, "/3")]);
      assert.equal(r.code, 0, r.stderr);
      const reused = r.stderr.match(/Re-using existing connection/g) ?? [];
      assert.equal(reused.length, 2, `curl did not reuse its connection:\n${r.stderr}`);
      assert.doesNotMatch(r.stderr, /Closing connection/i);
      const bodies = r.stdout.toString().split("}{").length;
      assert.equal(bodies, 3, r.stdout.toString());
      const line = await waitForLine(proxy, /"GET \/3 HTTP\/1\.1"/);
      const port = Number(/^127\.0\.0\.1:(\d+) /.exec(line)![1]);
      const lines = logLinesOf(proxy, port);
      assert.equal(lines.length, 3, `log lines of client port ${port}:\n${proxy.output()}`);
      assert.equal(origin.requests, 3);
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: X-Forwarded-For reaches the origin, appended to the client's own`, async () => {
    const origin = await jsonEchoOrigin();
    const proxy = await startProxy(
      rt,
      httpConfig([["a", origin.port]], { defaults: "forwardfor: true" }),
    );
    try {
      const p = proxy.ports[0]!;
      const a = await curl([url(p, "/xff")]);
      assert.equal(a.code, 0, a.stderr);
      const ea = JSON.parse(a.stdout.toString()) as EchoedRequest;
      assert.deepEqual(rawValues(ea, "x-forwarded-for"), ["127.0.0.1"]);
      const b = await curl(["-H", "X-Forwarded-For: 203.0.113.7", url(p, "/xff")]);
      const eb = JSON.parse(b.stdout.toString()) as EchoedRequest;
      assert.deepEqual(rawValues(eb, "x-forwarded-for"), ["203.0.113.7, 127.0.0.1"]);
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: hop-by-hop fields are removed both ways; end-to-end ones pass`, async () => {
    const origin = await rawHttpOrigin((_req, sock) => {
      sock.write(
        "HTTP/1.1 200 OK\r\nConnection: bar\r\nBar: secret\r\nKeep-Alive: timeout=99\r\n" +
          "Proxy-Connection: keep-alive\r\nX-End: 1\r\nContent-Length: 2\r\n\r\nok",
      );
    });
    const proxy = await startProxy(rt, httpConfig([["a", origin.port]]));
    try {
      const r = await curl([
        "-i",
        "-H",
        "Connection: foo",
        "-H",
        "Foo: bar",
        "-H",
        "Keep-Alive: timeout=5",
        "-H",
        "TE: trailers",
        "-H",
        "Proxy-Connection: keep-alive",
        "-H",
        "X-Keep: yes",
        url(proxy.ports[0]!, "/hop"),
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(origin.requests.length, 1);
      const got = origin.requests[0]!;
      const names = got.headers.map(([n]) => n.toLowerCase());
      for (const hop of ["foo", "keep-alive", "te", "proxy-connection"]) {
        assert.ok(!names.includes(hop), `${hop} reached the origin:\n${got.rawHead}`);
      }
      for (const [n, v] of got.headers) {
        if (n.toLowerCase() === "connection") {
          assert.doesNotMatch(v, /foo/i, `Connection still names foo:\n${got.rawHead}`);
        }
      }
      assert.ok(got.headers.some(([n, v]) => n === "X-Keep" && v === "yes"), got.rawHead);
      const head = r.stdout.toString("latin1").split("\r\n\r\n")[0]!;
      assert.doesNotMatch(head, /^bar:/im, `Bar reached the client:\n${head}`);
      assert.doesNotMatch(head, /^keep-alive:/im, `Keep-Alive reached the client:\n${head}`);
      assert.doesNotMatch(head, /^proxy-connection:/im, head);
      assert.doesNotMatch(head, /^connection:.*bar/im, head);
      assert.match(head, /^X-End: 1$/m);
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: header names keep their case both ways`, async () => {
    const origin = await rawHttpOrigin((_req, sock) => {
      sock.write(
        'HTTP/1.1 200 OK\r\nX-ReSpOnSe-CaSe: 1\r\netag: "v"\r\nContent-Length: 2\r\n\r\nok',
      );
    });
    const proxy = await startProxy(rt, httpConfig([["a", origin.port]]));
    try {
      const c = await RawClient.open(proxy.ports[0]!);
      c.write(
        "GET /case HTTP/1.1\r\nhOsT: a\r\nx-MiXeD-CaSe: v\r\nALLCAPS: w\r\nlower-case: x\r\n\r\n",
      );
      const res = await c.response();
      c.destroy();
      assert.equal(res.status, 200);
      const raw = origin.requests[0]!.rawHead;
      for (
        const f of ["hOsT: a\r\n", "x-MiXeD-CaSe: v\r\n", "ALLCAPS: w\r\n", "lower-case: x\r\n"]
      ) {
        assert.ok(raw.includes(f), `origin did not get ${JSON.stringify(f)}:\n${raw}`);
      }
      assert.ok(res.headers.some(([n]) => n === "X-ReSpOnSe-CaSe"), JSON.stringify(res.headers));
      assert.ok(res.headers.some(([n]) => n === "etag"), JSON.stringify(res.headers));
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: a chunked upload of 3 MiB reaches the origin intact`, async () => {
    const origin = await jsonEchoOrigin();
    const proxy = await startProxy(rt, httpConfig([["a", origin.port]]));
    try {
      const body = randomBytes(3 * 1024 * 1024 + 17);
      const file = writeTemp("upload.bin", "");
      writeFileSync(file, body);
      const r = await curl([
        "-H",
        "Transfer-Encoding: chunked",
        "-H",
        "Expect:",
        "--data-binary",
        `@${file}`,
        url(proxy.ports[0]!, "/upload"),
      ]);
      assert.equal(r.code, 0, r.stderr);
      const e = JSON.parse(r.stdout.toString()) as EchoedRequest;
      assert.equal(e.method, "POST");
      assert.deepEqual(rawValues(e, "transfer-encoding"), ["chunked"]);
      assert.equal(e.bodyLength, body.length);
      assert.equal(e.bodySha256, sha256(body));
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: Expect: 100-continue: curl gets the 100 through the proxy and does not wait 1s`, async () => {
    const origin = await jsonEchoOrigin();
    const proxy = await startProxy(rt, httpConfig([["a", origin.port]]));
    try {
      const body = randomBytes(2 * 1024 * 1024);
      const file = writeTemp("expect.bin", "");
      writeFileSync(file, body);
      // warm up: the first request of a runtime may be slow to start (JIT, first connect)
      await curl([url(proxy.ports[0]!, "/warm")]);
      const r = await curl(["-v", "--data-binary", `@${file}`, url(proxy.ports[0]!, "/expect")]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^> Expect: 100-continue/m, "curl did not send Expect");
      assert.match(r.stderr, /^< HTTP\/1\.1 100 Continue/m, `no 100 Continue:\n${r.stderr}`);
      const e = JSON.parse(r.stdout.toString()) as EchoedRequest;
      assert.equal(e.bodyLength, body.length);
      assert.equal(e.bodySha256, sha256(body));
      assert.ok(r.ms < 900, `curl took ${r.ms}ms: it waited for a 100 Continue that came late`);
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: an HTTP/1.0 request without keep-alive gets its response, then the close`, async () => {
    const origin = await rawHttpOrigin((req, sock) => {
      const body = `hello ${req.version}`;
      sock.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    });
    const proxy = await startProxy(rt, httpConfig([["a", origin.port]]));
    try {
      const c = await RawClient.open(proxy.ports[0]!);
      c.write("GET /old HTTP/1.0\r\nUser-Agent: raw\r\n\r\n");
      const res = await c.response();
      assert.equal(res.status, 200);
      assert.equal(res.body.toString(), "hello HTTP/1.0");
      assert.ok(await c.waitClosed(3000), "the proxy kept an HTTP/1.0 connection open");
      assert.equal(c.pending.length, 0, `extra bytes: ${c.pending.toString("latin1")}`);
      c.destroy();
      const r = await curl(["--http1.0", "-i", url(proxy.ports[0]!, "/old")]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout.toString(), /hello HTTP\/1\.0$/);
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: a POST with a Content-Length body reaches the origin as sent`, async () => {
    const origin = await rawHttpOrigin();
    const proxy = await startProxy(rt, httpConfig([["a", origin.port]]));
    try {
      const r = await curl(["-d", "a=1&b=two", url(proxy.ports[0]!, "/form")]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.toString(), "ok");
      const got = origin.requests[0]!;
      assert.equal(got.method, "POST");
      assert.equal(got.body.toString(), "a=1&b=two");
      assert.ok(got.headers.some(([n, v]) => n.toLowerCase() === "content-length" && v === "9"));
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: HEAD, 204 and 304 responses carry no body and the connection stays usable`, async () => {
    const origin = await rawHttpOrigin((req, sock) => {
      if (req.method === "HEAD") {
        sock.write("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nContent-Type: text/plain\r\n\r\n");
      } else if (req.target === "/204") sock.write("HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n");
      else if (req.target === "/304") {
        sock.write('HTTP/1.1 304 Not Modified\r\nETag: "x"\r\nContent-Length: 99\r\n\r\n');
      } else {
        const body = `body of ${req.target}`;
        sock.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      }
    });
    const proxy = await startProxy(rt, httpConfig([["a", origin.port]]));
    try {
      const c = await RawClient.open(proxy.ports[0]!);
      c.write("HEAD /h HTTP/1.1\r\nHost: a\r\n\r\n");
      const h = await c.response({ head: true });
      assert.equal(h.status, 200);
      assert.equal(header(h, "content-length"), "1234");
      for (const path of ["/204", "/304"]) {
        c.write(`GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`);
        const r = await c.response();
        assert.equal(r.status, Number(path.slice(1)));
      }
      c.write("GET /after HTTP/1.1\r\nHost: a\r\n\r\n");
      const after = await c.response();
      assert.equal(after.status, 200);
      assert.equal(after.body.toString(), "body of /after");
      assert.equal(c.pending.length, 0, `stray bytes: ${JSON.stringify(c.pending.toString())}`);
      assert.equal(c.closed, false);
      c.destroy();
      assert.equal(origin.requests.length, 4);
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: a response delimited by the server's close reaches the client whole`, async () => {
    const body = randomBytes(700 * 1024);
    const origin = await tcpServer((s) => {
      let head = "";
      s.on("data", (d: Buffer) => {
        head += d.toString("latin1");
        if (head.includes("\r\n\r\n")) {
          s.write("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n");
          s.end(body);
        }
      });
    });
    const proxy = await startProxy(rt, httpConfig([["a", origin.port]]));
    try {
      const r = await curl([url(proxy.ports[0]!, "/eof")]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.length, body.length);
      assert.equal(sha256(r.stdout), sha256(body));
      const c = await RawClient.open(proxy.ports[0]!);
      c.write("GET /eof HTTP/1.1\r\nHost: a\r\n\r\n");
      assert.ok(await c.waitClosed(5000), "the client connection was not closed after the body");
      const res = await c.response();
      assert.equal(res.untilClose, true);
      assert.equal(sha256(res.body), sha256(body));
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: pipelined requests on one socket get their responses in order`, async () => {
    const origin = await rawHttpOrigin((req, sock, nth) => {
      const body = `${req.method} ${req.target} ${req.body.toString()}`;
      // answer later requests faster: order must still hold
      setTimeout(() => {
        sock.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      }, Math.max(0, 30 - nth * 10));
    });
    const proxy = await startProxy(rt, httpConfig([["a", origin.port]]));
    try {
      const c = await RawClient.open(proxy.ports[0]!);
      const reqs = [
        "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n",
        "POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
        "GET /3 HTTP/1.1\r\nHost: a\r\n\r\n",
        "POST /4 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        "GET /5 HTTP/1.1\r\nHost: a\r\n\r\n",
      ];
      c.write(reqs.join(""));
      const got: string[] = [];
      for (let i = 0; i < reqs.length; i++) got.push((await c.response()).body.toString());
      assert.deepEqual(got, ["GET /1 ", "POST /2 hello", "GET /3 ", "POST /4 abc", "GET /5 "]);
      assert.equal(c.closed, false);
      c.destroy();
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: 503 with an HTML page and connection: close when the only server is down`, async () => {
    const dead = await closedPort();
    const proxy = await startProxy(
      rt,
      httpConfig([["a", dead]], { backend: "retries: 1" }),
    );
    try {
      const c = await RawClient.open(proxy.ports[0]!);
      c.write("GET /down HTTP/1.1\r\nHost: a\r\n\r\n");
      const res = await c.response();
      assert.equal(res.status, 503);
      assert.equal(header(res, "connection"), "close");
      assert.match(header(res, "content-type") ?? "", /text\/html/);
      assert.match(res.body.toString(), /<html>.*503/s);
      assert.ok(await c.waitClosed(3000), "the connection stayed open after the 503");
      const line = await waitForLine(proxy, /"GET \/down HTTP\/1\.1"/);
      assert.match(line, / web app\/(<NOSRV>|a) /, line);
      // a refused connection is SC in HAProxy; sC is a connect timeout
      assert.match(line, / 503 \d+ - - SC-- /, line);
    } finally {
      await proxy.stop();
    }
  });

  test(`${rt}: after a 503 the client's connection slot is freed (frontend maxconn: 1)`, async () => {
    const dead = await closedPort();
    const proxy = await startProxy(
      rt,
      httpConfig([["a", dead]], { backend: "retries: 1", frontend: ", maxconn: 1" }),
    );
    try {
      for (let i = 0; i < 3; i++) {
        const r = await curl([
          "-o",
          "/dev/null",
          "-m",
          "3",
          "-w",
          "%{http_code}",
          url(proxy.ports[0]!),
        ]);
        assert.equal(r.stdout.toString(), "503", `request ${i}: curl exit ${r.code} ${r.stderr}`);
      }
    } finally {
      await proxy.stop();
    }
  });

  test(`${rt}: 504 when the server never answers within timeout.server`, async () => {
    const origin = await rawHttpOrigin(() => {/* never answer */});
    const proxy = await startProxy(
      rt,
      httpConfig([["a", origin.port]], {
        backend: "timeout: { server: 500ms }",
        frontend: ", maxconn: 1",
      }),
    );
    try {
      const t0 = Date.now();
      const c = await RawClient.open(proxy.ports[0]!);
      c.write("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
      const res = await c.response({ timeoutMs: 5000 });
      const ms = Date.now() - t0;
      assert.equal(res.status, 504);
      assert.equal(header(res, "connection"), "close");
      assert.ok(ms >= 450 && ms < 2000, `504 after ${ms}ms, want about 500ms`);
      assert.equal(origin.requests.length, 1, "the GET was replayed after a server timeout");
      const line = await waitForLine(proxy, /"GET \/slow HTTP\/1\.1"/);
      assert.match(line, / web app\/a .* 504 \d+ - - sH-- /, line);
      // the 504'd connection must not keep the only frontend slot
      const again = await curl([
        "-o",
        "/dev/null",
        "-m",
        "3",
        "-w",
        "%{http_code}",
        url(proxy.ports[0]!),
      ]);
      assert.equal(again.stdout.toString(), "504", `second request: curl exit ${again.code}`);
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: errorfiles replace the built-in 503 page`, async () => {
    const dead = await closedPort();
    const body = "sorry, custom page\n";
    const page =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nX-Custom: yes\r\n" +
      `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
    const file = writeTemp("503.http", page);
    const proxy = await startProxy(
      rt,
      httpConfig([["a", dead]], { frontend: `, errorfiles: { "503": "${file}" }` }),
    );
    try {
      const r = await curl(["-i", url(proxy.ports[0]!, "/x")]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.toString("latin1"), page);
    } finally {
      await proxy.stop();
    }
  });

  test(`${rt}: keep-alive on the server side: later requests of a client reuse a pooled connection`, async () => {
    const origin = await rawHttpOrigin();
    const proxy = await startProxy(rt, httpConfig([["a", origin.port]]));
    try {
      const c = await RawClient.open(proxy.ports[0]!);
      for (let i = 0; i < 5; i++) {
        c.write(`GET /${i} HTTP/1.1\r\nHost: a\r\n\r\n`);
        assert.equal((await c.response()).status, 200);
      }
      c.destroy();
      await until(() => origin.requests.length === 5, 2000, "5 requests at the origin");
      assert.equal(
        origin.accepted,
        1,
        `the origin saw ${origin.accepted} connections for 5 requests`,
      );
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: http-reuse always: a new client's first request takes an idle pooled connection; safe does not`, async () => {
    for (const [mode, want] of [["always", 1], ["safe", 3]] as const) {
      const origin = await rawHttpOrigin();
      const proxy = await startProxy(
        rt,
        httpConfig([["a", origin.port]], { backend: `httpReuse: ${mode}` }),
      );
      try {
        for (let i = 0; i < 3; i++) { // one request per client connection, one after the other
          const c = await RawClient.open(proxy.ports[0]!);
          c.write(`GET /${i} HTTP/1.1\r\nHost: a\r\n\r\n`);
          assert.equal((await c.response()).status, 200);
          c.destroy();
          await until(() => origin.requests.length === i + 1, 2000, `request ${i} at the origin`);
        }
        assert.equal(
          origin.accepted,
          want,
          `${mode}: the origin saw ${origin.accepted} connections`,
        );
      } finally {
        await proxy.stop();
        await origin.close();
      }
    }
  });
}
