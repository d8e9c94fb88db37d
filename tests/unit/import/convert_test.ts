/** Tests for importHaproxyCfg(): keywords to keys, HAProxy's defaults kept, losses listed. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { complete, importHaproxyCfg } from "../../../src/import/mod.ts";
import { validateConfig } from "../../../src/config/mod.ts";

const CFG = `global
    maxconn 500
    hard-stop-after 10s
defaults
    mode http
    option httplog
    option forwardfor except 127.0.0.0/8
    timeout connect 2s
    timeout client 30s
    timeout server 1m
    default-server inter 3s fall 2
frontend web
    bind :8080,127.0.0.1:8081
    bind 127.0.0.1:8443 ssl crt /etc/cert.pem alpn h2,http/1.1 ssl-min-ver TLSv1.3
    acl api path_beg /api
    use_backend api if api
    default_backend app
backend app
    balance source
    server a 10.0.0.1:80 check weight 3
backend api
    balance hdr(host) use_domain_only
    hash-type consistent djb2 avalanche
    option httpchk GET /health HTTP/1.1
    http-check expect status 200
    option redispatch
    server b 10.0.0.2:80 check inter 1s
listen tcp_echo
    mode tcp
    bind 127.0.0.1:7000
    server e 10.0.0.3:7 send-proxy-v2
`;

test("importHaproxyCfg() maps global, defaults, frontends, backends and listen", () => {
  const c = importHaproxyCfg(CFG);
  assert.ok(complete(c), JSON.stringify(c.issues));
  const cfg = c.config as Record<string, Record<string, Record<string, unknown>>>;
  assert.deepEqual(cfg.global, { maxconn: 500, hardStopAfter: "10s" });
  assert.equal(cfg.defaults!.log, "httplog");
  assert.deepEqual(cfg.defaults!.forwardfor, { except: "127.0.0.0/8" });
  assert.equal(cfg.defaults!.redispatch, false, "HAProxy retries the same server");
  const web = cfg.frontends!.web as Record<string, unknown>;
  assert.deepEqual(web.bind, ["0.0.0.0:8080", "127.0.0.1:8081", {
    address: "127.0.0.1:8443",
    tls: { alpn: ["h2", "http/1.1"], minVersion: "TLSv1.3", certificates: ["/etc/cert.pem"] },
  }]);
  assert.deepEqual(web.useBackend, ["api if api"]);
  const app = cfg.backends!.app as Record<string, unknown>;
  assert.equal(app.hashFunction, "sdbm", "HAProxy's default hash function");
  assert.deepEqual(app.servers, [
    { name: "a", address: "10.0.0.1:80", inter: "3s", fall: 2, check: true, weight: 3 },
  ]);
  const api = cfg.backends!.api as Record<string, unknown>;
  assert.equal(api.hashType, "consistent");
  assert.equal(api.hashFunction, "djb2 avalanche");
  assert.deepEqual(api.httpCheck, {
    method: "GET",
    uri: "/health",
    version: "HTTP/1.1",
    expect: "status 200",
  });
  assert.equal(api.redispatch, true);
  assert.equal((cfg.frontends!.tcp_echo as Record<string, unknown>).defaultBackend, "tcp_echo");
  assert.equal((cfg.backends!.tcp_echo as Record<string, unknown>).mode, "tcp");
});

test("importHaproxyCfg() output passes validation; lines of unconverted keywords are listed", () => {
  const c = importHaproxyCfg(CFG.replace(/^ *bind 127\.0\.0\.1:8443 .*\n/m, ""));
  const r = validateConfig(c.config, "x.cfg");
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  const lost = importHaproxyCfg(
    "frontend f\n  bind :1\n  unique-id-format %x\n  default_backend b\n",
  );
  assert.deepEqual(lost.issues.map((i) => [i.line, i.keyword, i.ignored]), [
    [3, "unique-id-format", false],
  ]);
  assert.ok(!complete(lost));
});

test("importHaproxyCfg() keeps a backend's stick and tcp-request content lines as written", () => {
  const c = importHaproxyCfg(`backend be
    mode http
    stick-table type ip size 1k expire 30m
    stick on src
    stick store-response res.cook(SID) if { status 200 }
    tcp-request content reject if { src 192.0.2.0/24 }
    server s1 127.0.0.1:8080
frontend fe
    mode http
    bind 127.0.0.1:0
    default_backend be
`);
  assert.ok(complete(c), JSON.stringify(c.issues));
  const be = (c.config.backends as Record<string, Record<string, unknown>>).be!;
  assert.deepEqual(be.stick, ["on src", "store-response res.cook(SID) if { status 200 }"]);
  assert.deepEqual(be.tcpRequest, ["content reject if { src 192.0.2.0/24 }"]);
  const r = validateConfig(c.config, "x.cfg");
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  const bare = importHaproxyCfg("backend be\n    stick\n    server s1 127.0.0.1:1\n");
  assert.deepEqual(bare.issues.map((i) => [i.line, i.keyword, i.ignored]), [[2, "stick", false]]);
});

test("importHaproxyCfg() lets HTTP frontends pass CONNECT on, as HAProxy does (tcp-only: untouched)", () => {
  const http = importHaproxyCfg(CFG).config as Record<string, Record<string, unknown>>;
  assert.equal(http.defaults!.acceptConnect, true);
  const tcp = importHaproxyCfg(
    "defaults\n  mode tcp\nfrontend f\n  bind :1\n  default_backend b\nbackend b\n  server s 127.0.0.1:2\n",
  ).config as Record<string, Record<string, unknown>>;
  assert.equal(tcp.defaults!.acceptConnect, undefined);
});
