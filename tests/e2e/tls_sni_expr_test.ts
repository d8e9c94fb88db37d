/** A server's sni as a sample expression end to end: req.hdr(host) with converters, ssl_fc_sni (HTTP and TCP), var(), an empty result. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { makeCa } from "./helpers/certs.ts";
import { curl } from "./helpers/http.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";
import { tlsOrigin } from "./helpers/tls.ts";

const ca = makeCa("sni expr CA");
const originCert = ca.issue("origin", "origin.example", ["origin.example", "*.apps.example"]);
const front = ca.issue("front", "api.apps.example", ["*.apps.example"]);

function config(origin: number): string {
  const server = (sni: string) =>
    `servers: [{ name: s1, address: "127.0.0.1:${origin}", ssl: true, caFile: "${ca.caFile}", sni: "${sni}" }]`;
  return `
global: { hardStopAfter: 1s }
defaults:
  mode: http
  retries: 0
  timeout: { connect: 2s, client: 5s, server: 5s }
frontends:
  web:
    bind: ["127.0.0.1:0"]
    httpRequest:
      - set-var(txn.sni) str(origin.example) if { path_beg /var }
    useBackend:
      - by_var if { path_beg /var }
      - by_missing if { path_beg /missing }
    defaultBackend: by_host
  secure:
    bind: [{ address: "127.0.0.1:0", tls: { certificates: ["${front.pemFile}"] } }]
    defaultBackend: by_client_sni
  secure_tcp:
    mode: tcp
    bind: [{ address: "127.0.0.1:0", tls: { certificates: ["${front.pemFile}"] } }]
    defaultBackend: tcp_client_sni
backends:
  by_host:
    ${server("req.hdr(host),field(1,:),lower")}
  by_var:
    ${server("var(txn.sni)")}
  by_missing:
    servers: [{ name: s1, address: "127.0.0.1:${origin}", ssl: true, caFile: "${ca.caFile}", sni: "req.hdr(x-sni)" }]
  by_client_sni:
    ${server("ssl_fc_sni")}
  tcp_client_sni:
    mode: tcp
    ${server("ssl_fc_sni,upper,lower")}
`;
}

for (const rt of RUNTIMES) {
  test(`${rt}: sni expressions: req.hdr(host) with converters, ssl_fc_sni, var(), none when empty`, async () => {
    const origin = await tlsOrigin(originCert);
    const proxy = await startProxy(rt, config(origin.port), 3);
    const [web, secure, secureTcp] = proxy.ports as [number, number, number];
    try {
      const a = await curl([
        "--max-time",
        "10",
        "-H",
        "Host: API.Apps.Example:8080",
        `http://127.0.0.1:${web}/`,
      ]);
      assert.equal(a.stdout.toString(), "sni=api.apps.example alpn= client=");
      const b = await curl([
        "--max-time",
        "10",
        "-H",
        "Host: www.apps.example",
        `http://127.0.0.1:${web}/`,
      ]);
      assert.equal(b.stdout.toString(), "sni=www.apps.example alpn= client=");
      const wrong = await curl([
        ...["--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}"],
        ...["-H", "Host: other.example", `http://127.0.0.1:${web}/`],
      ]);
      assert.equal(wrong.stdout.toString(), "503", "a name the certificate lacks fails verify");

      const byVar = await curl(["--max-time", "10", `http://127.0.0.1:${web}/var`]);
      assert.equal(byVar.stdout.toString(), "sni=origin.example alpn= client=");

      // no x-sni header: no SNI sent (the chain alone is verified)
      const missing = await curl(["--max-time", "10", `http://127.0.0.1:${web}/missing`]);
      assert.equal(missing.stdout.toString(), "sni= alpn= client=");

      // the client's own SNI passed on, in HTTP and in TCP mode
      const tlsGet = (port: number, name: string) =>
        curl([
          ...["--max-time", "10", "--cacert", ca.caFile],
          ...["--resolve", `${name}:${port}:127.0.0.1`, `https://${name}:${port}/`],
        ]);
      const https = await tlsGet(secure, "api.apps.example");
      assert.equal(https.stdout.toString(), "sni=api.apps.example alpn= client=", https.stderr);
      const other = await tlsGet(secure, "img.apps.example");
      assert.equal(other.stdout.toString(), "sni=img.apps.example alpn= client=");
      const tcp = await tlsGet(secureTcp, "tcp.apps.example");
      assert.equal(tcp.stdout.toString(), "sni=tcp.apps.example alpn= client=");
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: sni expressions: a connection is never reused for another name`, async () => {
    const origin = await tlsOrigin(originCert);
    const proxy = await startProxy(rt, config(origin.port), 3);
    const web = proxy.ports[0]!;
    try {
      // curl keeps one client connection for consecutive URLs; each -H applies to all, so the
      // host comes from the URL: the proxy's address under names that resolve to it
      const r = await curl([
        "--max-time",
        "10",
        ...["--resolve", `x.apps.example:${web}:127.0.0.1`],
        ...["--resolve", `y.apps.example:${web}:127.0.0.1`],
        `http://x.apps.example:${web}/1`,
        `http://y.apps.example:${web}/2`,
        `http://x.apps.example:${web}/3`,
      ]);
      assert.equal(
        r.stdout.toString(),
        "sni=x.apps.example alpn= client=sni=y.apps.example alpn= client=" +
          "sni=x.apps.example alpn= client=",
      );
      assert.deepEqual(origin.names.slice(-3), [
        "x.apps.example",
        "y.apps.example",
        "x.apps.example",
      ]);
      assert.equal(origin.accepted, 3, "no server connection was taken from the pool");
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });
}
