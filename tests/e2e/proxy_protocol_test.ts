/** PROXY protocol in (acceptProxy) and out (sendProxy, sendProxyV2), with Debian's haproxy as the peer. */
import assert from "node:assert/strict";
import net from "node:net";
import { test } from "node:test";
import { buildProxyV1, buildProxyV2, parseProxyHeader } from "../../src/proxy_protocol/mod.ts";
import { haproxyAvailable } from "./helpers/haproxy.ts";
import { type CfgRunner, startCfg } from "./helpers/imported.ts";
import { rawHttpOrigin, waitForLine } from "./helpers/http.ts";
import { echoServer, type Origin, sleep, tcpServer } from "./helpers/net.ts";
import { type ProxyRuntime, RUNTIMES, startProxy } from "./helpers/proxy.ts";

/** The clients of these tests connect from here, so the address seen through a PROXY header is not the proxy's own. */
const CLIENT_IP = "127.0.0.2";

/** A client connection from CLIENT_IP: writes, collects everything until the peer closes. */
class Client {
  readonly sock: net.Socket;
  readonly port: number;
  #data = Buffer.alloc(0);
  #closed = false;

  private constructor(sock: net.Socket) {
    this.sock = sock;
    this.port = sock.localPort!;
    sock.on("data", (d: Buffer) => (this.#data = Buffer.concat([this.#data, d])));
    sock.on("error", () => {});
    sock.on("end", () => sock.end());
    sock.on("close", () => (this.#closed = true));
  }

  static open(port: number, from = CLIENT_IP): Promise<Client> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: "127.0.0.1", port, localAddress: from, allowHalfOpen: true });
      s.once("connect", () => resolve(new Client(s)));
      s.once("error", reject);
    });
  }

  write(data: string | Uint8Array): void {
    this.sock.write(typeof data === "string" ? Buffer.from(data, "latin1") : data);
  }

  get text(): string {
    return this.#data.toString("latin1");
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Waits until `cond(text)` holds or the connection closed; throws after `ms`. */
  async until(cond: (text: string) => boolean, ms = 5000): Promise<string> {
    const deadline = Date.now() + ms;
    while (!cond(this.text)) {
      if (this.#closed) break;
      if (Date.now() > deadline) {
        throw new Error(`timed out; closed=${this.#closed}; got ${JSON.stringify(this.text)}`);
      }
      await sleep(10);
    }
    return this.text;
  }

  /** Resolves true once the peer closed (within `ms`). */
  async waitClosed(ms = 5000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.#closed && Date.now() < deadline) await sleep(10);
    return this.#closed;
  }

  destroy(): void {
    this.sock.destroy();
  }
}

const GET = (n = 1) => `GET /r${n} HTTP/1.1\r\nhost: test\r\n\r\n`;

/** An origin that records the first bytes of every connection and answers each request head with 200 (keep-alive). */
async function capturingOrigin(): Promise<Origin & { readonly starts: Buffer[] }> {
  const starts: Buffer[] = [];
  const o = await tcpServer((s) => {
    let buf = Buffer.alloc(0);
    const i = starts.push(Buffer.alloc(0)) - 1;
    s.on("data", (d: Buffer) => {
      if (starts[i]!.length < 4096) starts[i] = Buffer.concat([starts[i]!, d]);
      buf = Buffer.concat([buf, d]);
      for (let end = buf.indexOf("\r\n\r\n"); end >= 0; end = buf.indexOf("\r\n\r\n")) {
        buf = buf.subarray(end + 4);
        s.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
      }
    });
    s.on("end", () => s.end());
  });
  return Object.assign(o, { starts });
}

function ppHeader(bytes: Buffer) {
  const r = parseProxyHeader(bytes);
  assert.equal(
    r.kind,
    "ok",
    `no PROXY header at the start of ${JSON.stringify(bytes.toString("latin1"))}`,
  );
  return (r as Extract<typeof r, { kind: "ok" }>).header;
}

const haproxyCase = haproxyAvailable() ? test : test.skip;

/**
 * The peer sends: haproxy's `listen` sections with send-proxy(-v2) in front of tsproxy's
 * acceptProxy binds, or (`peer` "import") tsproxy on the same haproxy.cfg in haproxy's place.
 */
async function peerSendsProxy(rt: ProxyRuntime, peer: CfgRunner) {
  const origin = await rawHttpOrigin();
  const echo = await echoServer();
  const proxy = await startProxy(
    rt,
    `
global: { hardStopAfter: 2s }
defaults: { timeout: { connect: 2s, client: 5s, server: 5s } }
frontends:
  web:
    bind: [{ address: "127.0.0.1:0", acceptProxy: true }]
    mode: http
    forwardfor: true
    defaultBackend: app
  tcp:
    bind: [{ address: "127.0.0.1:0", acceptProxy: true }]
    mode: tcp
    defaultBackend: echo
backends:
  app: { mode: http, servers: [{ name: o, address: "127.0.0.1:${origin.port}" }] }
  echo: { mode: tcp, balance: source, servers: [{ name: e, address: "127.0.0.1:${echo.port}" }] }
`,
    2,
  );
  const [web, tcp] = proxy.ports as [number, number];
  const ha = await startCfg(peer, 4, ([h1, h2, t1, t2]) => `
global
    nbthread 1
defaults
    mode tcp
    timeout connect 2s
    timeout client 5s
    timeout server 5s
listen http_v1
    bind 127.0.0.1:${h1}
    server ts 127.0.0.1:${web} send-proxy
listen http_v2
    bind 127.0.0.1:${h2}
    server ts 127.0.0.1:${web} send-proxy-v2
listen tcp_v1
    bind 127.0.0.1:${t1}
    server ts 127.0.0.1:${tcp} send-proxy
listen tcp_v2
    bind 127.0.0.1:${t2}
    server ts 127.0.0.1:${tcp} send-proxy-v2
`);
  try {
    const [h1, h2, t1, t2] = ha.ports as [number, number, number, number];
    for (const [via, port] of [["send-proxy", h1], ["send-proxy-v2", h2]] as const) {
      const c = await Client.open(port);
      c.write(GET());
      await c.until((t) => t.includes("\r\n\r\nok"));
      assert.match(c.text, /^HTTP\/1\.1 200 /, via);
      c.destroy();
      const req = origin.requests.at(-1)!;
      const xff = req.headers.find(([k]) => k.toLowerCase() === "x-forwarded-for");
      assert.deepEqual(xff?.[1], CLIENT_IP, `${via}: X-Forwarded-For`);
      await waitForLine(
        proxy,
        new RegExp(`^${CLIENT_IP}:${c.port} \\[.* web app/o .*"GET /r1`),
      );
    }
    for (const [via, port] of [["send-proxy", t1], ["send-proxy-v2", t2]] as const) {
      const c = await Client.open(port);
      c.write(`hello over ${via}`);
      c.sock.end();
      const text = await c.until(() => false, 5000).catch(() => c.text);
      assert.equal(text, `hello over ${via}`, via);
      await waitForLine(proxy, new RegExp(`^${CLIENT_IP}:${c.port} \\[.* tcp echo/e `));
    }
  } finally {
    await ha.stop();
    await proxy.stop();
    await origin.close();
    await echo.close();
  }
}

/**
 * tsproxy sends: sendProxy(V2) into the peer's accept-proxy frontend, whose lf-string answer says
 * what it saw: haproxy, or (`peer` "import") tsproxy on the same haproxy.cfg in haproxy's place.
 */
async function peerAcceptsProxy(rt: ProxyRuntime, peer: CfgRunner) {
  const ha = await startCfg(peer, 1, ([pp]) => `
global
    nbthread 1
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
frontend pp
    bind 127.0.0.1:${pp} accept-proxy
    http-request return status 200 content-type text/plain lf-string "src=%[src]:%[src_port] dst=%[dst]:%[dst_port] authority=%[fc_pp_authority]\\n"
`);
  const pp = ha.ports[0]!;
  const capture = await capturingOrigin();
  const proxy = await startProxy(
    rt,
    `
global: { hardStopAfter: 2s }
defaults: { timeout: { connect: 2s, client: 5s, server: 5s } }
frontends:
  h1: { bind: ["127.0.0.1:0"], mode: http, defaultBackend: v1 }
  h2: { bind: ["127.0.0.1:0"], mode: http, defaultBackend: v2 }
  t2: { bind: ["127.0.0.1:0"], mode: tcp, defaultBackend: t2 }
  relay: { bind: [{ address: "127.0.0.1:0", acceptProxy: true }], mode: http, defaultBackend: v2 }
  cap: { bind: [{ address: "127.0.0.1:0", acceptProxy: true }], mode: http, defaultBackend: cap }
  own:
    bind: [{ address: "127.0.0.1:0", acceptProxy: true }]
    mode: http
    defaultBackend: cap
    httpRequest: ['return status 200 content-type text/plain lf-string "own=%[fc_pp_authority]\\n"']
backends:
  v1: { mode: http, servers: [{ name: ha, address: "127.0.0.1:${pp}", sendProxy: true }] }
  v2: { mode: http, servers: [{ name: ha, address: "127.0.0.1:${pp}", sendProxyV2: true }] }
  t2: { mode: tcp, servers: [{ name: ha, address: "127.0.0.1:${pp}", sendProxyV2: true }] }
  cap: { mode: http, servers: [{ name: c, address: "127.0.0.1:${capture.port}", sendProxyV2: true }] }
`,
    6,
  );
  const [h1, h2, t2, relay, cap, own] = proxy.ports as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  try {
    for (
      const [name, port] of [["sendProxy", h1], ["sendProxyV2", h2], [
        "sendProxyV2, tcp",
        t2,
      ]] as const
    ) {
      const c = await Client.open(port);
      // two requests on one client connection: each goes on a new server connection with its own header
      c.write(GET(1));
      await c.until((t) => /authority=\n/.test(t));
      c.write(GET(2));
      const text = await c.until((t) => t.split("authority=").length === 3);
      const lines = text.match(/src=\S+ dst=\S+/g);
      const want = `src=${CLIENT_IP}:${c.port} dst=127.0.0.1:${port}`;
      assert.deepEqual(lines, [want, want], `${name}: ${text}`);
      c.destroy();
    }

    // a client behind an L4 balancer: its addresses and AUTHORITY are passed on to haproxy
    const hello = buildProxyV2({
      family: "tcp4",
      src: "198.51.100.7",
      srcPort: 40000,
      dst: "203.0.113.1",
      dstPort: 443,
      authority: "shop.example",
      alpn: "http/1.1",
    });
    let c = await Client.open(relay);
    c.write(Buffer.concat([hello, Buffer.from(GET())]));
    let text = await c.until((t) => /authority=.*\n/.test(t));
    assert.match(
      text,
      /src=198\.51\.100\.7:40000 dst=203\.0\.113\.1:443 authority=shop\.example\n/,
    );
    c.destroy();

    // our own rules read the received AUTHORITY TLV (fc_pp_authority), as haproxy's do
    c = await Client.open(own);
    c.write(Buffer.concat([hello, Buffer.from(GET())]));
    assert.match(await c.until((t) => /own=.*\n/.test(t)), /own=shop\.example\n/);
    c.destroy();

    // the header out, as a server receives it: ALPN too; connections never reused across requests
    c = await Client.open(cap);
    c.write(Buffer.concat([hello, Buffer.from(GET(1))]));
    await c.until((t) => t.split("\r\n\r\nok").length === 2);
    c.write(GET(2));
    text = await c.until((t) => t.split("\r\n\r\nok").length === 3);
    c.destroy();
    assert.equal(capture.starts.length, 2, "one server connection per request");
    for (const start of capture.starts) {
      const h = ppHeader(start);
      assert.deepEqual(
        [h.version, h.src, h.srcPort, h.dst, h.dstPort, h.alpn, h.authority],
        [2, "198.51.100.7", 40000, "203.0.113.1", 443, "http/1.1", "shop.example"],
      );
    }
  } finally {
    await proxy.stop();
    await ha.stop();
    await capture.close();
  }
}

for (const rt of RUNTIMES) {
  haproxyCase(
    `${rt}: haproxy send-proxy / send-proxy-v2 into acceptProxy binds: logs, X-Forwarded-For and src show the client behind it`,
    () => peerSendsProxy(rt, "haproxy"),
  );

  haproxyCase(
    `${rt}: sendProxy / sendProxyV2 into haproxy accept-proxy: haproxy sees the client's address and port`,
    () => peerAcceptsProxy(rt, "haproxy"),
  );

  test(`${rt}: acceptProxy: a header and the first bytes in one write; malformed, cut or late headers close the connection`, async () => {
    const origin = await rawHttpOrigin();
    const echo = await echoServer();
    const proxy = await startProxy(
      rt,
      `
global: { hardStopAfter: 2s }
defaults: { timeout: { connect: 2s, client: 1s, server: 5s } }
frontends:
  web:
    bind: [{ address: "127.0.0.1:0", acceptProxy: true }]
    mode: http
    forwardfor: true
    defaultBackend: app
  tcp: { bind: [{ address: "127.0.0.1:0", acceptProxy: true }], mode: tcp, defaultBackend: echo }
  plain: { bind: ["127.0.0.1:0"], mode: http, defaultBackend: app }
backends:
  app: { mode: http, servers: [{ name: o, address: "127.0.0.1:${origin.port}" }] }
  echo: { mode: tcp, servers: [{ name: e, address: "127.0.0.1:${echo.port}" }] }
`,
      3,
    );
    const [web, tcp, plain] = proxy.ports as [number, number, number];
    try {
      // HTTP: v1 line and the request in one write
      let c = await Client.open(web);
      c.write(
        Buffer.concat([
          buildProxyV1({
            family: "tcp4",
            src: "203.0.113.9",
            srcPort: 5555,
            dst: "127.0.0.1",
            dstPort: web,
          }),
          Buffer.from(GET(7)),
        ]),
      );
      await c.until((t) => t.includes("\r\n\r\nok"));
      c.destroy();
      const xff = origin.requests.at(-1)!.headers.find(([k]) =>
        k.toLowerCase() === "x-forwarded-for"
      );
      assert.equal(xff?.[1], "203.0.113.9");
      await waitForLine(proxy, /^203\.0\.113\.9:5555 \[.* web app\/o .*"GET \/r7/);

      // TCP: v2 header (IPv6) and payload in one write; LOCAL keeps the real address
      c = await Client.open(tcp);
      c.write(
        Buffer.concat([
          buildProxyV2({
            family: "tcp6",
            src: "2001:db8::7",
            srcPort: 6000,
            dst: "2001:db8::1",
            dstPort: 80,
          }),
          Buffer.from("payload right behind the header"),
        ]),
      );
      c.sock.end();
      await c.waitClosed();
      assert.equal(c.text, "payload right behind the header");
      await waitForLine(proxy, /^2001:db8::7:6000 \[.* tcp echo\/e /);
      c = await Client.open(tcp);
      c.write(
        Buffer.concat([
          buildProxyV2({ family: "unknown", command: "LOCAL" }),
          Buffer.from("local"),
        ]),
      );
      c.sock.end();
      await c.waitClosed();
      assert.equal(c.text, "local");
      await waitForLine(
        proxy,
        new RegExp(`^${CLIENT_IP.replaceAll(".", "\\.")}:${c.port} \\[.* tcp echo/e `),
      );

      // refused: nothing reaches the origins
      const before = { http: origin.accepted, tcp: echo.accepted };
      const v2 = buildProxyV2({
        family: "tcp4",
        src: "1.2.3.4",
        srcPort: 1,
        dst: "5.6.7.8",
        dstPort: 2,
      });
      const badSig = Buffer.from(v2);
      badSig[11] = 0x0b;
      const cases: [string, number, Uint8Array | string, boolean, RegExp][] = [
        ["garbage", web, GET(), false, /does not look like a PROXY protocol header/],
        [
          "bad v1 port",
          web,
          "PROXY TCP4 1.2.3.4 5.6.7.8 99999 80\r\n" + GET(),
          false,
          /invalid PROXY protocol header/,
        ],
        [
          "truncated v2, then close",
          tcp,
          v2.subarray(0, 20),
          true,
          /Connection closed while waiting/,
        ],
        [
          "v2 with a bad signature",
          tcp,
          badSig,
          false,
          /does not look like a PROXY protocol header/,
        ],
        [
          "a header that never completes",
          web,
          "PROXY TCP4 1.2.3.4 ",
          false,
          /Timeout while waiting for PROXY protocol header/,
        ],
      ];
      for (const [name, port, bytes, halfClose, reason] of cases) {
        const from = proxy.output().length;
        c = await Client.open(port);
        const t0 = Date.now();
        c.write(bytes);
        if (halfClose) c.sock.end();
        assert.ok(await c.waitClosed(4000), `${name}: not closed`);
        assert.equal(c.text, "", `${name}: got an answer`);
        if (name.includes("never")) {
          assert.ok(Date.now() - t0 >= 900, `${name}: closed after ${Date.now() - t0}ms`);
        }
        const line = await waitForLine(proxy, reason, { from });
        assert.ok(line.includes(`${CLIENT_IP}:${c.port}`), `${name}: ${line}`);
      }
      assert.deepEqual({ http: origin.accepted, tcp: echo.accepted }, before);

      // without acceptProxy a PROXY line is just bytes: not a request line
      c = await Client.open(plain);
      c.write("PROXY TCP4 1.2.3.4 5.6.7.8 1111 80\r\n" + GET());
      const text = await c.until((t) => t.includes("\r\n\r\n"));
      assert.match(text, /^HTTP\/1\.1 400 /);
      c.destroy();
    } finally {
      await proxy.stop();
      await origin.close();
      await echo.close();
    }
  });
}

test("bun, haproxy's send-proxy haproxy.cfg imported as the sending peer: the same addresses, logs and X-Forwarded-For", () =>
  peerSendsProxy("bun", "import"));

test("bun, haproxy's accept-proxy haproxy.cfg imported as the receiving peer: it sees what haproxy sees", () =>
  peerAcceptsProxy("bun", "import"));
