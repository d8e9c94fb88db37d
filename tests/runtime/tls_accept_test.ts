/** TLS after bytes in clear (deno test, bun test): connectTls with a preamble, tlsAcceptor behind a PROXY header read by ProxyHeaderWait. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ProxiedSocket } from "../../src/proxy/accept/proxied_socket.ts";
import {
  type ProxyHeaderOwner,
  ProxyHeaderWait,
} from "../../src/proxy/accept/proxy_header_wait.ts";
import { buildProxyV2 } from "../../src/proxy_protocol/mod.ts";
import {
  ConnectError,
  getRuntime,
  type Listener,
  type Socket,
  type TlsAcceptor,
  type TlsCertificate,
  type TlsServerOptions,
} from "../../src/runtime/mod.ts";
import { makeCa } from "../e2e/helpers/certs.ts";

const rt = await getRuntime();
const ca = makeCa("accept CA");
const stranger = makeCa("accept stranger CA");

function certificate(file: string, cn: string): TlsCertificate {
  const c = ca.issue(file, cn);
  return { cert: c.cert, key: c.key, names: [cn], source: c.pemFile };
}
const dflt = certificate("default", "default.example");
const b = certificate("b", "b.example");
const client = ca.issue("client", "client1");
const foreign = stranger.issue("foreign", "client2");

const HEADER = buildProxyV2({
  family: "tcp4",
  src: "203.0.113.9",
  srcPort: 4444,
  dst: "198.51.100.2",
  dstPort: 443,
});

/**
 * A plain listener whose connections go through ProxyHeaderWait and `acceptor`, as an
 * acceptProxy + tls bind's do; the TLS sockets are echoed and collected.
 */
async function proxiedTlsServer(
  acceptor: TlsAcceptor,
): Promise<{ l: Listener; secured: Socket[]; failures: () => number }> {
  const secured: Socket[] = [];
  let failures = 0;
  const owner: ProxyHeaderOwner = {
    name: "fe",
    clientTimeout: 5000,
    counters: { proxyHeaderErrors: 0 },
    proxyHeaderRead(_wait, s) {
      secured.push(s);
      s.setHandlers({
        data: (d) => s.write(d),
        drain: () => {},
        end: () => s.shutdown(),
        close: () => {},
      });
    },
    release: () => void failures++,
  };
  const l = await rt.listen(
    { host: "127.0.0.1", port: 0 },
    (sock) => new ProxyHeaderWait(owner, new ProxiedSocket(sock, acceptor)).start(),
  );
  return { l, secured, failures: () => failures };
}

function options(tls: Partial<TlsServerOptions> = {}): TlsServerOptions {
  return { certificates: [dflt, b], minVersion: "TLSv1.2", ...tls };
}

function connect(port: number, servername: string, extra: object = {}): Promise<Socket> {
  return rt.connectTls({
    host: "127.0.0.1",
    port,
    timeoutMs: 5000,
    preamble: HEADER,
    tls: { verify: "required", ca: ca.caPem, servername, ...extra },
  });
}

/**
 * Writes `text`, waits for as many bytes back, then closes: no half-close first (on Bun, node:tls
 * over a stream that is not a net.Socket closes at the peer's close_notify, dropping its replies).
 */
function echo(c: Socket, text: string): Promise<string> {
  return new Promise((resolve) => {
    let got = "";
    c.setHandlers({
      data: (d) => {
        got += new TextDecoder().decode(d);
        if (got.length >= text.length) c.close();
      },
      drain: () => {},
      end: () => c.close(),
      close: () => resolve(got),
    });
    c.write(new TextEncoder().encode(text));
  });
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
}

test(`${rt.name}: TLS after a PROXY header: the header's addresses, the certificate by SNI, data both ways`, async () => {
  const acceptor = rt.tlsAcceptor({ host: "127.0.0.1", port: 0, tls: options({ alpn: ["x/1"] }) });
  assert.equal(acceptor.stack, "node:tls");
  const { l, secured } = await proxiedTlsServer(acceptor);
  try {
    // the client checks the name: it got b.example's certificate, not the default
    const c = await connect(l.port, "b.example", { alpn: ["x/1"] });
    assert.equal(c.tls?.alpn, "x/1");
    assert.equal(await echo(c, "ping over TLS"), "ping over TLS");
    await until(() => secured.length === 1);
    const s = secured[0]!;
    assert.deepEqual([s.remoteAddress, s.remotePort, s.localAddress, s.localPort], [
      "203.0.113.9",
      4444,
      "198.51.100.2",
      443,
    ]);
    assert.equal(s.tls?.sni, "b.example");
    assert.equal(s.tls?.alpn, "x/1");
    assert.match(s.tls!.protocol, /^TLSv1\.[23]$/);
  } finally {
    l.close();
  }
});

test(`${rt.name}: TLS after a PROXY header: strict SNI refuses a name no certificate has`, async () => {
  const acceptor = rt.tlsAcceptor({
    host: "127.0.0.1",
    port: 0,
    tls: options({ strictSni: true }),
  });
  const { l, failures } = await proxiedTlsServer(acceptor);
  try {
    await assert.rejects(
      connect(l.port, "c.example", { verify: "none" }),
      (err) => err instanceof ConnectError,
    );
    await until(() => failures() === 1);
    assert.equal(failures(), 1);
  } finally {
    l.close();
  }
});

test(`${rt.name}: TLS after a PROXY header: verify required (refused on Deno, checked on Bun)`, async () => {
  const o = { host: "127.0.0.1", port: 0, tls: options({ verify: "required", ca: ca.caPem }) };
  if (rt.name === "deno") {
    assert.throws(
      () => rt.tlsAcceptor(o),
      /127\.0\.0\.1:0: acceptProxy with tls and verify required is not supported on Deno: its node:tls does not check client certificates/,
    );
    return;
  }
  const { l, secured } = await proxiedTlsServer(rt.tlsAcceptor(o));
  try {
    const c = await connect(l.port, "default.example", { cert: client.cert, key: client.key });
    assert.equal(await echo(c, "mtls"), "mtls");
    assert.deepEqual(secured[0]!.tls?.clientCert, {
      used: true,
      verify: 0,
      subjectDN: "/C=FR/O=tsproxy tests/CN=client1",
    });
    // a certificate from another CA: the handshake fails (TLS 1.3 may report it on first read)
    const outcome = await connect(l.port, "default.example", {
      cert: foreign.cert,
      key: foreign.key,
    }).then((s) => echo(s, "x"), (err) => `rejected ${(err as Error).name}`);
    assert.notEqual(outcome, "x");
    assert.equal(secured.length, 1, "no session for the stranger");
  } finally {
    l.close();
  }
});
