/** TLS together with the PROXY protocol: acceptProxy + tls on a bind, ssl + sendProxy(V2) on a server, with curl, node:tls and Debian's haproxy as peers. */
import assert from "node:assert/strict";
import net from "node:net";
import { test } from "node:test";
import tls from "node:tls";
import { buildProxyV2 } from "../../src/proxy_protocol/mod.ts";
import { makeCa } from "./helpers/certs.ts";
import { haproxyAvailable } from "./helpers/haproxy.ts";
import { type CfgRunner, startCfg } from "./helpers/imported.ts";
import { curl } from "./helpers/http.ts";
import { tcpServer } from "./helpers/net.ts";
import { type ProxyRuntime, RUNTIMES, startProxy } from "./helpers/proxy.ts";

const ca = makeCa("pp CA");
const dflt = ca.issue("dflt", "default.example");
const siteA = ca.issue("a", "a.example");
const siteB = ca.issue("b", "b.example");
const client1 = ca.issue("client1", "client1");
/** A CA the binds do not trust: its client certificates must be refused under verify required. */
const otherCa = makeCa("pp other CA");
const stranger = otherCa.issue("stranger", "stranger");

const haproxyCase = haproxyAvailable() ? test : test.skip;

/**
 * One TLS exchange after a hand-written PROXY v2 header claiming 203.0.113.7:5555 →
 * 198.51.100.1:443: resolves with the certificate's CN and what came back, or the error.
 */
function tlsAfterHeader(
  port: number,
  servername: string,
  send: string,
  cert?: { cert: string; key: string },
  /** Accept a certificate that does not name `servername` (to see which one comes). */
  anyName = false,
): Promise<{ cn?: string | undefined; body: string; error?: string | undefined }> {
  return new Promise((resolve) => {
    const raw = net.connect({ host: "127.0.0.1", port }, () => {
      raw.write(buildProxyV2({
        family: "tcp4",
        src: "203.0.113.7",
        srcPort: 5555,
        dst: "198.51.100.1",
        dstPort: 443,
      }));
      const s = tls.connect({
        socket: raw,
        servername,
        ca: ca.caPem,
        ...(cert ?? {}),
        ...(anyName ? { checkServerIdentity: () => undefined } : {}),
      });
      let body = "", cn: string | undefined;
      s.on("secureConnect", () => {
        const subject = s.getPeerCertificate().subject?.CN;
        cn = Array.isArray(subject) ? subject[0] : subject;
        s.write(send);
      });
      s.on("data", (d: Buffer) => (body += d.toString()));
      s.on("error", (e: Error) => resolve({ cn, body, error: e.message }));
      s.on("close", () => resolve({ ...(cn ? { cn } : {}), body }));
    });
    raw.on("error", (e) => resolve({ body: "", error: e.message }));
  });
}

const GET = "GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n";

function bindConfig(originPort: number): string {
  const certs = `["${dflt.pemFile}", "${siteA.pemFile}", "${siteB.pemFile}"]`;
  return `
global: { hardStopAfter: 1s }
defaults: { timeout: { connect: 2s, client: 5s, server: 5s } }
frontends:
  web:
    mode: http
    bind:
      - { address: "127.0.0.1:0", acceptProxy: true, tls: { certificates: ${certs}, alpn: [http/1.1] } }
    httpRequest:
      - return status 200 content-type text/plain lf-string "src=%[src]:%[src_port] dst=%[dst]:%[dst_port] sni=%[ssl_fc_sni] alpn=%[ssl_fc_alpn]"
    defaultBackend: none
  raw:
    bind:
      - { address: "127.0.0.1:0", acceptProxy: true, tls: { certificates: ${certs} } }
    defaultBackend: seen
backends:
  none:
    mode: http
    servers: [{ name: s1, address: "127.0.0.1:1" }]
  seen:
    servers: [{ name: s1, address: "127.0.0.1:${originPort}", sendProxyV2: true }]
`;
}

/** A TCP origin that answers the first line of a PROXY header it gets (which v2 is not: so its size). */
function headerOrigin() {
  return tcpServer((s) => {
    s.once("data", (d: Buffer) => {
      const v2 = d.subarray(0, 12).equals(
        Buffer.from([13, 10, 13, 10, 0, 13, 10, 81, 85, 73, 84, 10]),
      );
      // v2 TCP4: src address at 16, src port at 24
      const src = v2 ? `${d[16]}.${d[17]}.${d[18]}.${d[19]}:${d.readUInt16BE(24)}` : "none";
      s.end(`origin saw ${src}`);
    });
    s.on("error", () => {});
  });
}

/**
 * acceptProxy + tls behind a TCP relay that adds PROXY v2: haproxy's `send-proxy-v2` backend, or
 * (`peer` "import") tsproxy on the same haproxy.cfg in haproxy's place.
 */
async function behindRelay(rt: ProxyRuntime, peer: CfgRunner) {
  const proxy = await startProxy(
    rt,
    `
global: { hardStopAfter: 1s }
frontends:
  web:
    mode: http
    bind:
      - { address: "127.0.0.1:0", acceptProxy: true, tls: { certificates: ["${siteA.pemFile}"] } }
    httpRequest:
      - return status 200 content-type text/plain lf-string "src=%[src] sni=%[ssl_fc_sni]"
    defaultBackend: none
backends:
  none:
    mode: http
    servers: [{ name: s1, address: "127.0.0.1:1" }]
`,
  );
  const hap = await startCfg(peer, 1, ([port]) =>
    `global
  log stderr local0
defaults
  mode tcp
  timeout connect 2s
  timeout client 5s
  timeout server 5s
frontend fe
  bind 127.0.0.1:${port}
  default_backend be
backend be
  server ts 127.0.0.1:${proxy.ports[0]} send-proxy-v2
`);
  try {
    const r = await curl([
      ...["--interface", "127.0.0.2", "--cacert", ca.caFile, "--max-time", "10"],
      ...["--resolve", `a.example:${hap.port}:127.0.0.1`, `https://a.example:${hap.port}/`],
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), "src=127.0.0.2 sni=a.example");
  } finally {
    await hap.stop();
    await proxy.stop();
  }
}

for (const rt of RUNTIMES) {
  test(`${rt}: acceptProxy + tls: the header's addresses, the certificate by SNI, TCP and HTTP`, async () => {
    const origin = await headerOrigin();
    const proxy = await startProxy(rt, bindConfig(origin.port), 2);
    const [web, raw] = proxy.ports as [number, number];
    try {
      // curl: PROXY v1 with its own addresses, then TLS; --cacert and the name check the certificate
      const r = await curl([
        ...["--haproxy-protocol", "--cacert", ca.caFile, "--max-time", "10"],
        ...["--resolve", `a.example:${web}:127.0.0.1`, `https://a.example:${web}/`],
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout.toString(),
        /^src=127\.0\.0\.1:\d+ dst=127\.0\.0\.1:\d+ sni=a\.example /,
      );

      const b = await tlsAfterHeader(web, "b.example", GET);
      assert.equal(b.error, undefined);
      assert.equal(b.cn, "b.example");
      assert.match(
        b.body,
        /\r\n\r\nsrc=203\.0\.113\.7:5555 dst=198\.51\.100\.1:443 sni=b\.example alpn=$/,
      );
      const none = await tlsAfterHeader(web, "unknown.example", GET, undefined, true);
      assert.equal(none.cn, "default.example", "no certificate for the name: the first one");

      // tcp mode: the session's client is the header's, passed on by sendProxyV2
      const t = await tlsAfterHeader(raw, "a.example", "hello");
      assert.equal(t.cn, "a.example");
      assert.equal(t.body, "origin saw 203.0.113.7:5555");

      // no header before the ClientHello: refused like any accept-proxy connection
      const bare = await new Promise<string>((resolve) => {
        const s = tls.connect({
          host: "127.0.0.1",
          port: web,
          servername: "a.example",
          ca: ca.caPem,
        });
        s.on("secureConnect", () => resolve("handshake"));
        s.on("error", () => resolve("error"));
        s.on("close", () => resolve("closed"));
      });
      assert.notEqual(bare, "handshake");
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: acceptProxy + tls + verify required: checked client certificates (refused on Deno)`, async () => {
    const yaml = `
global: { hardStopAfter: 1s }
frontends:
  web:
    mode: http
    bind:
      - address: "127.0.0.1:0"
        acceptProxy: true
        tls: { certificates: ["${dflt.pemFile}"], verify: required, caFile: "${ca.caFile}" }
    httpRequest:
      - return status 200 content-type text/plain lf-string "src=%[src] used=%[ssl_c_used] verify=%[ssl_c_verify] dn=%[ssl_c_s_dn]"
    defaultBackend: none
backends:
  none:
    mode: http
    servers: [{ name: s1, address: "127.0.0.1:1" }]
`;
    if (rt === "deno") {
      await assert.rejects(
        startProxy(rt, yaml),
        /frontend web bind\[0\]: .*acceptProxy with tls and verify required is not supported on Deno: its node:tls does not check client certificates/,
      );
      return;
    }
    const proxy = await startProxy(rt, yaml);
    const port = proxy.ports[0]!;
    try {
      const good = await tlsAfterHeader(port, "default.example", GET, client1);
      assert.match(
        good.body,
        /\r\n\r\nsrc=203\.0\.113\.7 used=1 verify=0 dn=\/C=FR\/O=tsproxy tests\/CN=client1$/,
      );
      const bad = await tlsAfterHeader(port, "default.example", GET, stranger);
      assert.doesNotMatch(bad.body, /src=/, "a certificate from another CA is refused");
      const without = await tlsAfterHeader(port, "default.example", GET);
      assert.doesNotMatch(without.body, /src=/, "no certificate: refused");
    } finally {
      await proxy.stop();
    }
  });

  haproxyCase(
    `${rt}: acceptProxy + tls behind haproxy's send-proxy-v2`,
    () => behindRelay(rt, "haproxy"),
  );
}

test("bun, haproxy's send-proxy-v2 haproxy.cfg imported as the relay: acceptProxy + tls sees the client", () =>
  behindRelay("bun", "import"));
