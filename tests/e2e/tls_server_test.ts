/** TLS to servers end to end: verify required with and without the right caFile, verify none, sni, client certificate, check-ssl. */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { makeCa } from "./helpers/certs.ts";
import { curl, waitForLine } from "./helpers/http.ts";
import { closedPort, echoServer, exchange, sha256 } from "./helpers/net.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";
import { type TlsOrigin, tlsOrigin } from "./helpers/tls.ts";

/** The origins' own CA: unknown to the system, so verify required needs it as caFile. */
const originCa = makeCa("origin CA");
const originCert = originCa.issue("origin", "origin.example", ["origin.example", "*.apps.example"]);
/** The CA the mutual-TLS origin trusts for client certificates, and the proxy's certificate. */
const clientCa = makeCa("client CA");
const proxyCert = clientCa.issue("proxy", "tsproxy");

function config(plain: number, mtls: number): string {
  const server = (name: string, port: number, extra: string) =>
    `  ${name}:\n    servers: [{ name: s1, address: "127.0.0.1:${port}", ssl: true, ${extra} }]`;
  return `
global: { hardStopAfter: 1s }
defaults:
  mode: http
  retries: 1
  timeout: { connect: 2s, client: 10s, server: 10s }
frontends:
  web:
    bind: ["127.0.0.1:0"]
    useBackend:
      - unknown_ca if { path_beg /unknown }
      - right_ca if { path_beg /right }
      - no_verify if { path_beg /none }
      - by_host if { path_beg /host }
      - mtls if { path_beg /mtls }
      - mtls_nocert if { path_beg /nocert }
      - checked if { path_beg /checked }
    defaultBackend: unknown_ca
backends:
${server("unknown_ca", plain, "sni: origin.example")}
${server("right_ca", plain, `sni: origin.example, caFile: "${originCa.caFile}", alpn: [http/1.1]`)}
${server("no_verify", plain, "verify: none")}
${server("by_host", plain, `sni: req.hdr(host), caFile: "${originCa.caFile}"`)}
${server("mtls", mtls, `verify: none, crt: "${proxyCert.pemFile}"`)}
${server("mtls_nocert", mtls, "verify: none")}
  checked:
    servers:
      - { name: bad, address: "127.0.0.1:${plain}", ssl: true, sni: origin.example, check: true, inter: 1s, rise: 1, fall: 1 }
`;
}

for (const rt of RUNTIMES) {
  test(`${rt}: TLS to servers: verify required needs the right CA; verify none, sni, ALPN, client certificate`, async () => {
    const plain: TlsOrigin = await tlsOrigin(originCert);
    const mtls = await tlsOrigin({ ...originCert, requestCert: true, ca: clientCa.caPem });
    const proxy = await startProxy(rt, config(plain.port, mtls.port));
    const get = (path: string, extra: string[] = []) =>
      curl(["-i", "--max-time", "10", ...extra, `http://127.0.0.1:${proxy.ports[0]}${path}`]);
    try {
      const unknown = await get("/unknown");
      assert.match(unknown.stdout.toString(), /^HTTP\/1\.1 503/);
      await waitForLine(proxy, /reason="TLS handshake failed: .*"/);

      const right = await get("/right");
      assert.match(right.stdout.toString(), /^HTTP\/1\.1 200/);
      assert.match(right.stdout.toString(), /sni=origin\.example alpn=http\/1\.1 client=$/);

      const none = await get("/none");
      assert.match(none.stdout.toString(), /^HTTP\/1\.1 200/);
      assert.match(none.stdout.toString(), /sni= alpn= client=$/, "no sni configured: none sent");

      // sni req.hdr(host): each request's Host, its port removed, checked against the certificate
      const host = await get("/host", ["-H", "Host: api.apps.example:8443"]);
      assert.match(host.stdout.toString(), /sni=api\.apps\.example /);
      const wrongHost = await get("/host", ["-H", "Host: other.example"]);
      assert.match(wrongHost.stdout.toString(), /^HTTP\/1\.1 503/, "name not in the certificate");

      const mutual = await get("/mtls");
      assert.match(mutual.stdout.toString(), /client=tsproxy$/);
      // TLS 1.3: the origin refuses the missing certificate only after the client's handshake is
      // done, so the refusal reaches the proxy as a closed connection (502), as with HAProxy
      const noCert = await get("/nocert");
      assert.match(noCert.stdout.toString(), /^HTTP\/1\.1 50[23]/);
    } finally {
      await proxy.stop();
      await plain.close();
      await mtls.close();
    }
  });

  test(`${rt}: TLS to servers: check-ssl takes a server whose certificate fails verification DOWN`, async () => {
    const plain = await tlsOrigin(originCert);
    const proxy = await startProxy(rt, config(plain.port, plain.port));
    try {
      await waitForLine(proxy, /Server checked\/bad is DOWN.*Layer6 invalid response/, {
        ms: 5000,
      });
      const r = await curl([
        "-i",
        "--max-time",
        "10",
        `http://127.0.0.1:${proxy.ports[0]}/checked`,
      ]);
      assert.match(r.stdout.toString(), /^HTTP\/1\.1 503/);
    } finally {
      await proxy.stop();
      await plain.close();
    }
  });
}

for (const rt of RUNTIMES) {
  test(`${rt}: TLS in TCP mode: terminated on a bind and opened again to the server, 8 MiB each way with half-close`, async () => {
    const echo = await echoServer();
    const bindCert = originCa.issue("tcp", "tcp.example");
    const port = await closedPort(); // tcpin's, named by the viatls server
    // client → tlsout (plain) → viatls: TLS to tcpin → TLS terminated → the echo server
    const proxy = await startProxy(
      rt,
      `
global: { hardStopAfter: 1s }
defaults: { mode: tcp, timeout: { connect: 2s, client: 10s, server: 10s } }
frontends:
  tcpin:
    bind:
      - address: "127.0.0.1:${port}"
        tls: { certificates: ["${bindCert.pemFile}"] }
    tcpRequest: ["content reject unless { ssl_fc }"]
    defaultBackend: echo
  tlsout:
    bind: ["127.0.0.1:0"]
    defaultBackend: viatls
backends:
  echo:
    servers: [{ name: e, address: "127.0.0.1:${echo.port}" }]
  viatls:
    servers: [{ name: t, address: "127.0.0.1:${port}", ssl: true, sni: tcp.example, caFile: "${originCa.caFile}" }]
`,
      2,
    );
    try {
      const payload = randomBytes(8 * 1024 * 1024);
      const r = await exchange(proxy.ports[1]!, payload);
      assert.equal(r.how, "end");
      assert.equal(sha256(r.data), sha256(payload));
    } finally {
      await proxy.stop();
      await echo.close();
    }
  });
}
