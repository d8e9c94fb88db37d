/** ssl + sendProxy/sendProxyV2 on a server: the PROXY header in clear, then TLS, to Debian's haproxy with `bind ... accept-proxy ssl`. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { makeCa } from "./helpers/certs.ts";
import { haproxyAvailable } from "./helpers/haproxy.ts";
import { type CfgRunner, startCfg } from "./helpers/imported.ts";
import { curl, waitForLine } from "./helpers/http.ts";
import { type ProxyRuntime, RUNTIMES, startProxy } from "./helpers/proxy.ts";

const originCa = makeCa("send-proxy origin CA");
const origin = originCa.issue("origin", "origin.example");
const otherCa = makeCa("send-proxy other CA");
/** The CA haproxy's mutual-TLS bind trusts, and the client certificate tsproxy presents. */
const clientCa = makeCa("send-proxy client CA");
const proxyCert = clientCa.issue("proxy", "tsproxy");

/** The clients connect from here: the origin must see this address, not the proxy's. */
const CLIENT_IP = "127.0.0.2";

function haproxyCfg([tlsPort, mtlsPort]: number[]): string {
  return `global
  log stderr local0
defaults
  mode http
  timeout connect 2s
  timeout client 5s
  timeout server 5s
frontend plain_tls
  bind 127.0.0.1:${tlsPort} accept-proxy ssl crt ${origin.pemFile} alpn http/1.1
  http-request return status 200 content-type text/plain lf-string "src=%[src] sni=%[ssl_fc_sni] alpn=%[ssl_fc_alpn]"
frontend mtls
  bind 127.0.0.1:${mtlsPort} accept-proxy ssl crt ${origin.pemFile} verify required ca-file ${clientCa.caFile}
  http-request return status 200 content-type text/plain lf-string "src=%[src] client=%[ssl_c_s_dn(cn)]"
`;
}

function proxyConfig(tlsPort: number, mtlsPort: number): string {
  const server = (port: number, extra: string) =>
    `servers: [{ name: s1, address: "127.0.0.1:${port}", ssl: true, ${extra} }]`;
  const verified = `caFile: "${originCa.caFile}", sni: origin.example`;
  return `
global: { hardStopAfter: 1s }
defaults:
  mode: http
  retries: 0
  timeout: { connect: 2s, client: 5s, server: 5s }
frontends:
  web:
    bind: ["127.0.0.1:0"]
    useBackend:
      - wrong_ca if { path_beg /wrong }
      - v1 if { path_beg /v1 }
      - mtls if { path_beg /mtls }
    defaultBackend: right
  raw:
    mode: tcp
    bind: ["127.0.0.1:0"]
    defaultBackend: raw
backends:
  right:
    ${server(tlsPort, `sendProxyV2: true, ${verified}, alpn: [http/1.1]`)}
  wrong_ca:
    ${server(tlsPort, `sendProxyV2: true, caFile: "${otherCa.caFile}", sni: origin.example`)}
  v1:
    ${server(tlsPort, "sendProxy: true, verify: none")}
  mtls:
    ${server(mtlsPort, `sendProxyV2: true, ${verified}, crt: "${proxyCert.pemFile}"`)}
  raw:
    mode: tcp
    ${server(tlsPort, `sendProxyV2: true, ${verified}`)}
`;
}

const haproxyCase = haproxyAvailable() ? test : test.skip;

/**
 * tsproxy's ssl + sendProxy(V2) servers toward the peer's `accept-proxy ssl` binds: haproxy, or
 * (`peer` "import") tsproxy on the same haproxy.cfg in haproxy's place.
 */
async function toPeer(rt: ProxyRuntime, peer: CfgRunner) {
  const hap = await startCfg(peer, 2, haproxyCfg);
  const proxy = await startProxy(rt, proxyConfig(hap.ports[0]!, hap.ports[1]!), 2);
  const [web, raw] = proxy.ports as [number, number];
  const get = (port: number, ...paths: string[]) =>
    curl([
      ...["--interface", CLIENT_IP, "--max-time", "10"],
      ...paths.map((p) => `http://127.0.0.1:${port}${p}`),
    ]);
  try {
    const right = await get(web, "/");
    assert.equal(right.stdout.toString(), "src=127.0.0.2 sni=origin.example alpn=http/1.1");

    // two requests on one client connection: each gets a connection of its own, with its header
    const twice = await get(web, "/a", "/b");
    assert.equal(
      twice.stdout.toString(),
      "src=127.0.0.2 sni=origin.example alpn=http/1.1".repeat(2),
    );

    const v1 = await get(web, "/v1");
    assert.equal(
      v1.stdout.toString(),
      "src=127.0.0.2 sni= alpn=",
      "PROXY v1, no sni configured",
    );

    const mtls = await get(web, "/mtls");
    assert.equal(mtls.stdout.toString(), "src=127.0.0.2 client=tsproxy");

    // verify required with a CA that did not sign the origin's certificate: no connection
    const wrong = await curl([
      ...[
        "--interface",
        CLIENT_IP,
        "--max-time",
        "10",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
      ],
      `http://127.0.0.1:${web}/wrong`,
    ]);
    assert.equal(wrong.stdout.toString(), "503");
    await waitForLine(proxy, /web wrong_ca\/.* 503 .*reason="TLS handshake failed: /);

    // tcp mode: the client speaks plain HTTP, the proxy adds the header and the TLS
    const tcp = await get(raw, "/");
    assert.equal(tcp.stdout.toString(), "src=127.0.0.2 sni=origin.example alpn=");
  } finally {
    await proxy.stop();
    await hap.stop();
  }
}

for (const rt of RUNTIMES) {
  haproxyCase(
    `${rt}: ssl + sendProxy(V2): haproxy's accept-proxy ssl bind sees the client and the SNI`,
    () => toPeer(rt, "haproxy"),
  );
}

test("bun, haproxy's accept-proxy ssl haproxy.cfg imported as the peer: it sees the client and the SNI", () =>
  toPeer("bun", "import"));
