/**
 * Differential: the same HTTP/2 requests (h2c prior knowledge, and TLS with ALPN h2) through
 * Debian's haproxy and through tsproxy reach a recording HTTP/1.1 origin with the same request
 * heads, modulo the documented differences (docs/h2.md): tsproxy drops `te: trailers` toward an
 * HTTP/1.1 server, and keeps the case of names a rule wrote (compared lower-cased).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { makeCa } from "./helpers/certs.ts";
import { startHaproxyConfig } from "./helpers/haproxy.ts";
import { curl, type OriginRequest, rawHttpOrigin } from "./helpers/http.ts";
import { startImported } from "./helpers/imported.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";

const ca = makeCa();
const site = ca.issue("site", "site.example");

/** The requests: [curl arguments before the URL, path]. */
const REQUESTS: [string[], string][] = [
  [[], "/plain?q=1&r=%20"],
  [["-H", "Cookie: a=1", "-H", "Cookie: b=2", "-H", "X-Multi: 1", "-H", "X-Multi: 2"], "/cookies"],
  [["-H", "TE: trailers", "-H", "Accept-Encoding: gzip"], "/te"],
  [["--data-binary", "hello"], "/post"],
  [["-X", "PUT", "--data-binary", "x".repeat(3000)], "/put"],
  [["-I"], "/head"],
  [["-H", "X-Forwarded-For: 10.0.0.1", "-H", "Authorization: Bearer t"], "/auth"],
];

/** A head as compared: the request line, then lower-cased names with values, `te` left out. */
function shape(r: OriginRequest): string[] {
  return [
    `${r.method} ${r.target} ${r.version}`,
    ...r.headers
      .map(([n, v]) => [n.toLowerCase(), v] as const)
      .filter(([n]) => n !== "te")
      .map(([n, v]) => `${n}: ${v}`),
    `body ${r.body.length}`,
  ];
}

async function send(base: string, tlsPort: number | null): Promise<void> {
  for (const [args, path] of REQUESTS) {
    const url = tlsPort === null ? `${base}${path}` : `https://site.example:${tlsPort}${path}`;
    const mode = tlsPort === null
      ? ["--http2-prior-knowledge"]
      : ["--http2", "--cacert", ca.caFile, "--resolve", `site.example:${tlsPort}:127.0.0.1`];
    const r = await curl([...mode, "-H", "User-Agent: diff", ...args, url]);
    assert.equal(r.code, 0, `${path}: ${r.stderr}`);
  }
}

/** The haproxy.cfg: haproxy runs it, and (on Bun) tsproxy runs it imported. */
function haproxyCfg([clear, tls]: number[], originPort: number): string {
  return `
global
    nbthread 1
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:${clear} proto h2
    bind 127.0.0.1:${tls} ssl crt ${site.pemFile} alpn h2,http/1.1
    http-request set-header X-Rewritten yes
    default_backend be
backend be
    server origin 127.0.0.1:${originPort}
`;
}

/** Each origin's request heads, shaped, with the proxy's two ports named CLEAR and TLS. */
function heads(rs: OriginRequest[], [clear, tls]: number[]): string[][] {
  return rs.map(shape).map((lines) =>
    lines.map((l) => l.replace(`:${clear}`, ":CLEAR").replace(`:${tls}`, ":TLS"))
  );
}

const ALSO_IMPORTED = (rt: string) => rt === "bun" ? "; and on the imported haproxy.cfg" : "";

for (const rt of RUNTIMES) {
  test(`${rt}${ALSO_IMPORTED(rt)}: h2 requests reach the origin with the heads haproxy sends (h2c and TLS ALPN h2)`, async () => {
    const viaHaproxy = await rawHttpOrigin();
    const viaTsproxy = await rawHttpOrigin();
    const haproxy = await startHaproxyConfig(2, (p) => haproxyCfg(p, viaHaproxy.port));
    // on Bun, tsproxy on the same haproxy.cfg imported sends the same requests to an origin of its own
    const viaImported = rt === "bun" ? await rawHttpOrigin() : null;
    const imported = viaImported
      ? await startImported(2, (p) => haproxyCfg(p, viaImported.port))
      : null;
    const proxy = await startProxy(
      rt,
      `
global: { hardStopAfter: 2s }
defaults:
  mode: http
  timeout: { connect: 2s, client: 5s, server: 5s }
frontends:
  web:
    bind:
      - "127.0.0.1:0"
      - address: "127.0.0.1:0"
        tls: { certificates: ["${site.pemFile}"], alpn: [h2, http/1.1] }
    httpRequest:
      - set-header X-Rewritten yes
    defaultBackend: app
backends:
  app:
    servers:
      - { name: origin, address: "127.0.0.1:${viaTsproxy.port}" }
`,
      2,
    );
    try {
      const [hClear, hTls] = haproxy.ports as [number, number];
      const [tClear, tTls] = proxy.ports as [number, number];
      await send(`http://127.0.0.1:${hClear}`, null);
      await send("", hTls);
      await send(`http://127.0.0.1:${tClear}`, null);
      await send("", tTls);
      const want = heads(viaHaproxy.requests, haproxy.ports);
      const got = heads(viaTsproxy.requests, proxy.ports);
      assert.equal(got.length, REQUESTS.length * 2);
      assert.deepEqual(got, want);
      if (imported && viaImported) {
        await send(`http://127.0.0.1:${imported.ports[0]}`, null);
        await send("", imported.ports[1]!);
        assert.deepEqual(heads(viaImported.requests, imported.ports), want, "imported");
      }
      // the difference left out above: haproxy passes te: trailers on, tsproxy does not
      const te = (rs: OriginRequest[]) =>
        rs.filter((r) => r.headers.some(([n]) => n.toLowerCase() === "te")).length;
      assert.equal(te(viaHaproxy.requests), 2, `haproxy ${haproxy.version}`);
      assert.equal(te(viaTsproxy.requests), 0);
      if (viaImported) assert.equal(te(viaImported.requests), 0);
    } finally {
      await proxy.stop();
      await imported?.stop();
      await haproxy.stop();
      viaImported?.close();
      viaHaproxy.close();
      viaTsproxy.close();
    }
  });
}
