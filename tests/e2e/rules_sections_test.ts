/** Rules beyond the frontend: backend sections' own rules and their order, dynamic useBackend, %ci variables, tcp-request rules in HTTP mode. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type EchoedRequest, jsonEchoOrigin } from "./helpers/http.ts";
import { connect, exchange } from "./helpers/net.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";

async function get(port: number, path: string, headers: Record<string, string> = {}) {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, { headers, redirect: "manual" });
  const text = await r.text();
  return { status: r.status, headers: r.headers, text };
}

for (const rt of RUNTIMES) {
  test(`${rt}: backend rules run after the frontend's (request) and before them (response)`, async () => {
    const a = await jsonEchoOrigin(), b = await jsonEchoOrigin();
    const proxy = await startProxy(
      rt,
      `
global: { log: none }
defaults: { mode: http }
frontends:
  web:
    bind: ["127.0.0.1:0"]
    tcpRequest: ["content reject if { path /drop }"]
    httpRequest:
      - set-header X-Order fe
      - set-header X-Client "%ci:%cp via %f@%fi:%fp"
      - set-var(txn.tenant) req.hdr(x-tenant),lower
    httpResponse: ["set-header X-Resp-Order %[res.hdr(x-resp-order)],fe"]
    useBackend: ["tenant_%[var(txn.tenant)] if { var(txn.tenant) -m found }"]
    defaultBackend: tenant_a
backends:
  tenant_a:
    acl: ["admin path_beg /admin"]
    httpRequest:
      - set-header X-Order "%[req.hdr(x-order)],be"
      - deny deny_status 403 if admin
    httpResponse: ["set-header X-Resp-Order be"]
    servers: [{ name: s, address: "127.0.0.1:${a.port}" }]
  tenant_b:
    servers: [{ name: s, address: "127.0.0.1:${b.port}" }]
`,
    );
    try {
      const port = proxy.ports[0]!;
      const r1 = await get(port, "/x");
      assert.equal(r1.status, 200);
      const seen = JSON.parse(r1.text) as EchoedRequest;
      assert.equal(seen.headers["x-order"], "fe,be");
      assert.match(String(seen.headers["x-client"]), /^127\.0\.0\.1:\d+ via web@127\.0\.0\.1:\d+$/);
      assert.equal(r1.headers.get("x-resp-order"), "be,fe");
      assert.equal((await get(port, "/admin")).status, 403);
      // dynamic backend name from a variable; an unknown name falls to the default backend
      const r2 = await get(port, "/admin", { "x-tenant": "B" });
      assert.equal(r2.status, 200, "tenant_b has no admin rule");
      assert.equal(JSON.parse(r2.text).headers["x-order"], "fe");
      assert.equal(r2.headers.get("x-resp-order"), ",fe");
      assert.equal(b.requests, 1);
      const r3 = await get(port, "/x", { "x-tenant": "zzz" });
      assert.equal(JSON.parse(r3.text).headers["x-order"], "fe,be");
      // a tcp-request content reject in an HTTP frontend closes the connection without an answer
      const r4 = await exchange(port, "GET /drop HTTP/1.1\r\nHost: h\r\n\r\n", {
        keepOpen: true,
        timeoutMs: 5000,
      });
      assert.equal(r4.data.length, 0);
      assert.equal(
        a.requests + b.requests,
        3,
        "the denied and rejected requests reached no origin",
      );
    } finally {
      await proxy.stop();
      await a.close();
      await b.close();
    }
  });
}

for (const rt of RUNTIMES) {
  test(`${rt}: map files next to the config route by host and path prefix; nbsrv sees the backends`, async () => {
    const a = await jsonEchoOrigin(), b = await jsonEchoOrigin(), c = await jsonEchoOrigin();
    const proxy = await startProxy(
      rt,
      `
global: { log: none }
defaults: { mode: http }
frontends:
  web:
    bind: ["127.0.0.1:0"]
    httpRequest:
      - set-header X-Tier %[path,map_beg(tiers.map,free)]
      - return status 200 content-type text/plain lf-string "%[nbsrv(be_b)]/%[nbsrv(be_d)]" if { path /nbsrv }
      - set-var(sess.n) int(0) unless { var(sess.n) -m found }
      - set-var(sess.n) var(sess.n),add(1)
      - set-var(txn.n) int(0) unless { var(txn.n) -m found }
      - set-var(txn.n) var(txn.n),add(1)
      - return status 200 content-type text/plain lf-string "sess=%[var(sess.n)] txn=%[var(txn.n)]" if { path /count }
    useBackend: ["%[req.hdr(host),lower,field(1,:),map(hosts.map)]"]
    defaultBackend: be_c
backends:
  be_a: { servers: [{ name: s, address: "127.0.0.1:${a.port}" }] }
  be_b: { servers: [{ name: s, address: "127.0.0.1:${b.port}" }] }
  be_c: { servers: [{ name: s, address: "127.0.0.1:${c.port}" }] }
  be_d: { servers: [{ name: s, address: "127.0.0.1:${c.port}", disabled: true }] }
`,
      1,
      {
        "hosts.map": "# host → backend\nwww.example.com be_a\napi.example.com   be_b\n",
        "tiers.map": "/pro/ paid\n/pro/gold/ gold\n/ free\n",
      },
    );
    try {
      const port = proxy.ports[0]!;
      const host = async (h: string, path = "/") => {
        const r = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { host: h } });
        return JSON.parse(await r.text()) as EchoedRequest;
      };
      await host("WWW.example.com");
      await host("api.example.com:8080");
      await host("unknown.example.com");
      assert.deepEqual([a.requests, b.requests, c.requests], [1, 1, 1]);
      assert.equal((await host("www.example.com", "/pro/gold/x")).headers["x-tier"], "gold");
      assert.equal((await host("www.example.com", "/pro/x")).headers["x-tier"], "paid");
      assert.equal((await host("www.example.com", "/x")).headers["x-tier"], "free");
      const text = async (path: string) =>
        await (await fetch(`http://127.0.0.1:${port}${path}`)).text();
      assert.equal(await text("/nbsrv"), "1/0", "be_d's only server is in maintenance");
      // sess. variables live as long as the connection, txn. ones for one request
      const sock = await connect(port);
      let seen: string[] = [];
      await new Promise<void>((resolve, reject) => {
        let buf = "";
        setTimeout(() => reject(new Error(`3 answers not seen in 5 s: ${buf}`)), 5000);
        sock.on("data", (d) => {
          buf += d;
          seen = [...buf.matchAll(/sess=\d+ txn=\d+/g)].map((m) => m[0]);
          if (seen.length >= 3) resolve();
        });
        for (let i = 0; i < 3; i++) sock.write("GET /count HTTP/1.1\r\nHost: x\r\n\r\n");
      });
      sock.destroy();
      assert.deepEqual(seen, ["sess=1 txn=1", "sess=2 txn=1", "sess=3 txn=1"]);
    } finally {
      await proxy.stop();
      await a.close();
      await b.close();
      await c.close();
    }
  });
}
