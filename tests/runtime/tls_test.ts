/** TLS of the runtime adapter (deno test, bun test): SNI choice, strict SNI, ALPN, client certificates, reload, verification. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ConnectError,
  getRuntime,
  type Socket,
  type TlsCertificate,
  type TlsListener,
  type TlsServerOptions,
} from "../../src/runtime/mod.ts";
import { makeCa } from "../e2e/helpers/certs.ts";

const rt = await getRuntime();
const ca = makeCa();
const stranger = makeCa("stranger CA");

function certificate(file: string, cn: string, names = [cn], from = ca): TlsCertificate {
  const c = from.issue(file, cn, names);
  return { cert: c.cert, key: c.key, names, source: c.pemFile };
}

const dflt = certificate("default", "default.example");
const a = certificate("a", "a.example");
const b = certificate("b", "b.example", ["*.b.example"]);
const client = ca.issue("client", "client1");
const foreign = stranger.issue("foreign", "client2");

/** A listener whose accepted sockets are collected, each closed after its handshake. */
async function listen(
  tls: Partial<TlsServerOptions>,
): Promise<{ l: TlsListener; opened: Socket[] }> {
  const opened: Socket[] = [];
  const l = await rt.listenTls(
    { host: "127.0.0.1", port: 0, tls: { certificates: [dflt], minVersion: "TLSv1.2", ...tls } },
    (s) => {
      opened.push(s);
      s.setHandlers({ data: () => {}, drain: () => {}, end: () => s.shutdown(), close: () => {} });
    },
  );
  return { l, opened };
}

/** Connects with verification against the test CA for `servername`; resolves with the client socket. */
function connect(port: number, servername: string | undefined, extra: object = {}) {
  return rt.connectTls({
    host: "127.0.0.1",
    port,
    timeoutMs: 5000,
    tls: { verify: "required", ca: ca.caPem, ...(servername ? { servername } : {}), ...extra },
  });
}

/** Connects, waits until the server side handed the socket over, then closes the client. */
async function handshake(
  l: { port: number },
  opened: Socket[],
  servername: string | undefined,
  extra: object = {},
): Promise<void> {
  const before = opened.length;
  const c = await connect(l.port, servername, extra);
  await until(() => opened.length > before);
  c.close();
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
}

async function rejectsTls(p: Promise<Socket>): Promise<void> {
  await assert.rejects(p, (err) => err instanceof ConnectError && err.kind === "tls");
}

test(`${rt.name}: TLS: the certificate follows the SNI (exact, wildcard), the first one otherwise`, async () => {
  const { l, opened } = await listen({ certificates: [dflt, a, b] });
  try {
    assert.equal(l.stack, "node:tls");
    await handshake(l, opened, "a.example");
    await handshake(l, opened, "x.b.example");
    await handshake(l, opened, "default.example");
    // c.example gets the default certificate, whose name does not match
    await rejectsTls(connect(l.port, "c.example"));
    assert.deepEqual(opened.map((s) => s.tls?.sni), [
      "a.example",
      "x.b.example",
      "default.example",
    ]);
    assert.match(opened[0]!.tls!.protocol, /^TLSv1\.[23]$/);
    assert.notEqual(opened[0]!.tls!.cipher, "");
  } finally {
    l.close();
  }
});

test(`${rt.name}: TLS: strictSni refuses unknown names and clients without SNI`, async () => {
  const { l } = await listen({ certificates: [a, b], strictSni: true });
  try {
    (await connect(l.port, "a.example")).close();
    await rejectsTls(connect(l.port, "c.example", { verify: "none" }));
    await rejectsTls(connect(l.port, undefined, { verify: "none" }));
  } finally {
    l.close();
  }
});

test(`${rt.name}: TLS: ALPN is agreed on, both sides see it`, async () => {
  for (const certificates of [[dflt], [dflt, a]]) {
    const { l, opened } = await listen({ certificates, alpn: ["h2", "http/1.1"] });
    try {
      const c = await connect(l.port, "default.example", { alpn: ["http/1.1"] });
      assert.equal(c.tls?.alpn, "http/1.1");
      await until(() => opened.length === 1);
      assert.equal(opened[0]!.tls?.alpn, "http/1.1", `stack ${l.stack}`);
      c.close();
    } finally {
      l.close();
    }
  }
});

test(`${rt.name}: TLS: client certificates, verify optional: used, verify code and subject DN`, async () => {
  const { l, opened } = await listen({ verify: "optional", ca: ca.caPem });
  try {
    for (const who of [undefined, client, foreign]) {
      await handshake(l, opened, "default.example", who ? { cert: who.cert, key: who.key } : {});
    }
    const seen = opened.map((s) => s.tls?.clientCert);
    assert.deepEqual(seen[0], { used: false, verify: 0, subjectDN: undefined });
    assert.deepEqual(seen[1], {
      used: true,
      verify: 0,
      subjectDN: "/C=FR/O=tsproxy tests/CN=client1",
    });
    assert.equal(seen[2]!.used, true);
    assert.ok([2, 18, 19, 20, 21].includes(seen[2]!.verify), `verify ${seen[2]!.verify}`);
  } finally {
    l.close();
  }
});

test(`${rt.name}: TLS: verify required lets in only clients with a certificate from the CA`, async () => {
  const { l, opened } = await listen({ verify: "required", ca: ca.caPem });
  try {
    await handshake(l, opened, "default.example", { cert: client.cert, key: client.key });
    // TLS 1.3: the client may finish its handshake before the server refuses it (then ends it)
    for (const extra of [{}, { cert: foreign.cert, key: foreign.key }]) {
      try {
        const s = await connect(l.port, "default.example", extra);
        await new Promise<void>((resolve) =>
          s.setHandlers({ data: () => {}, drain: () => {}, end: resolve, close: () => resolve() })
        );
      } catch (err) {
        assert.ok(err instanceof ConnectError && err.kind === "tls", String(err));
      }
    }
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(opened.length, 1);
  } finally {
    l.close();
  }
});

test(`${rt.name}: TLS: setCertificates serves new handshakes; a bad certificate changes nothing`, async () => {
  for (const first of [[a], [a, dflt]]) {
    const { l } = await listen({ certificates: first });
    try {
      const open = await connect(l.port, "a.example");
      await l.setCertificates(first.map((c) => (c === a ? b : c)));
      (await connect(l.port, "x.b.example")).close();
      const mismatched = { ...a, key: b.key, source: "mismatched.pem" };
      await assert.rejects(l.setCertificates([mismatched]), /mismatched\.pem/);
      (await connect(l.port, "y.b.example")).close();
      assert.equal(open.closed, false, `stack ${l.stack}: an open connection stays`);
      open.close();
    } finally {
      l.close();
    }
  }
});

test(`${rt.name}: TLS: connectTls refuses a server from an unknown CA unless verify is none`, async () => {
  const other = certificate("other", "other.example", ["other.example"], stranger);
  const { l } = await listen({ certificates: [other] });
  try {
    await rejectsTls(connect(l.port, "other.example"));
    (await connect(l.port, "other.example", { ca: stranger.caPem })).close();
    (await connect(l.port, "other.example", { verify: "none" })).close();
    // without a name only the chain is checked
    (await connect(l.port, undefined, { ca: stranger.caPem })).close();
  } finally {
    l.close();
  }
});
