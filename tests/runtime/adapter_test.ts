/** Conformance suite for the runtime adapter of whichever runtime runs it (deno test, bun test), over TCP and TLS. */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { test } from "node:test";
import {
  ConnectError,
  type ConnectOptions,
  getRuntime,
  type Listener,
  type ListenOptions,
  type Socket,
  type TlsCertificate,
} from "../../src/runtime/mod.ts";
import { makeCa } from "../e2e/helpers/certs.ts";

const runtime = await getRuntime();

/** The same cases over plain TCP and over TLS (listenTls/connectTls). */
interface Transport {
  name: string;
  listen(o: ListenOptions, onOpen: (s: Socket) => void): Promise<Listener>;
  connect(o: ConnectOptions): Promise<Socket>;
}

const ca = makeCa();
const localhost = certificate("localhost");
const other = certificate("other.example");

function certificate(name: string): TlsCertificate {
  const c = ca.issue(name, name);
  return { cert: c.cert, key: c.key, names: [name], source: c.pemFile };
}

function tlsTransport(label: string, certificates: TlsCertificate[]): Transport {
  return {
    name: `${runtime.name} ${label}`,
    listen: (o, onOpen) =>
      runtime.listenTls({ ...o, tls: { certificates, minVersion: "TLSv1.2" } }, onOpen),
    connect: (o) =>
      runtime.connectTls({
        ...o,
        tls: { verify: "required", ca: ca.caPem, servername: "localhost" },
      }),
  };
}
const transports: Transport[] = [
  {
    name: runtime.name,
    listen: (o, onOpen) => runtime.listen(o, onOpen),
    connect: (o) => runtime.connect(o),
  },
  tlsTransport("TLS, one certificate", [localhost]),
  // several certificates: chosen by SNI, which only node:tls does in both runtimes
  tlsTransport("TLS, several certificates", [other, localhost]),
];

function sha(parts: Uint8Array[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex");
}

/** Collects a socket's bytes until the peer half-closes; resolves with them. */
function collect(sock: Socket, onEnd?: () => void): Promise<Uint8Array[]> {
  return new Promise((resolve, reject) => {
    const parts: Uint8Array[] = [];
    sock.setHandlers({
      data: (c) => parts.push(c),
      drain: () => {},
      end: () => {
        onEnd?.();
        resolve(parts);
      },
      close: (err) => (err ? reject(err) : resolve(parts)),
    });
  });
}

/** Writes all of `data` in chunks, honouring backpressure, then half-closes. */
function send(sock: Socket, data: Uint8Array, chunk = 256 * 1024): Promise<void> {
  return new Promise((resolve) => {
    let off = 0;
    const pump = () => {
      while (off < data.length) {
        const ok = sock.write(data.subarray(off, off + chunk));
        off += chunk;
        if (!ok) return;
      }
      sock.shutdown();
      resolve();
    };
    sock.setHandlers({ data: () => {}, drain: pump, end: () => {}, close: () => {} });
    pump();
  });
}

for (const rt of transports) {
  test(`${rt.name}: echo server with backpressure returns 16 MiB intact and honours half-close`, async () => {
    const listener = await rt.listen({ host: "127.0.0.1", port: 0 }, (s) => {
      s.setHandlers({
        data: (c) => {
          if (!s.write(c)) s.pause();
        },
        drain: () => s.resume(),
        end: () => s.shutdown(),
        close: () => {},
      });
    });
    try {
      const payload = randomBytes(16 * 1024 * 1024);
      const sock = await rt.connect({ host: "127.0.0.1", port: listener.port });
      const parts: Uint8Array[] = [];
      const done = new Promise<void>((resolve, reject) => {
        let off = 0;
        const pump = () => {
          while (off < payload.length) {
            const ok = sock.write(payload.subarray(off, off + 100_000));
            off += 100_000;
            if (!ok) return;
          }
          sock.shutdown();
        };
        sock.setHandlers({
          data: (c) => parts.push(c),
          drain: pump,
          end: () => resolve(),
          close: (err) => (err ? reject(err) : resolve()),
        });
        pump();
      });
      await done;
      sock.close();
      assert.equal(sha(parts), sha([payload]));
    } finally {
      listener.close();
    }
  });

  test(`${rt.name}: a half-closed client still reads the reply written after its FIN`, async () => {
    const listener = await rt.listen({ host: "127.0.0.1", port: 0 }, (s) => {
      let n = 0;
      s.setHandlers({
        data: (c) => (n += c.length),
        drain: () => {},
        end: () => {
          s.write(new TextEncoder().encode(`got ${n}`));
          s.shutdown();
        },
        close: () => {},
      });
    });
    try {
      const sock = await rt.connect({ host: "127.0.0.1", port: listener.port });
      const reply = collect(sock);
      sock.write(new TextEncoder().encode("hello"));
      sock.shutdown();
      const parts = await reply;
      sock.close();
      assert.equal(new TextDecoder().decode(Buffer.concat(parts)), "got 5");
    } finally {
      listener.close();
    }
  });

  test(`${rt.name}: 32 MiB written after the client's FIN to a slow reader arrive whole`, async () => {
    // the server's writes wait for the kernel while its peer has half-closed (Deno's node:net
    // handle failed such writes with EPIPE: deno_net_socket.ts)
    const payload = randomBytes(32 * 1024 * 1024);
    const listener = await rt.listen({ host: "127.0.0.1", port: 0 }, (s) => {
      let off = 0;
      const pump = () => {
        while (off < payload.length) {
          const ok = s.write(payload.subarray(off, off + 64 * 1024));
          off += 64 * 1024;
          if (!ok) return;
        }
        s.shutdown();
      };
      s.setHandlers({ data: () => {}, drain: pump, end: pump, close: () => {} });
    });
    try {
      const sock = await rt.connect({ host: "127.0.0.1", port: listener.port });
      const reply = collect(sock);
      sock.pause();
      sock.shutdown();
      await new Promise((r) => setTimeout(r, 300));
      sock.resume();
      const parts = await reply;
      sock.close();
      assert.equal(sha(parts), sha([payload]));
    } finally {
      listener.close();
    }
  });

  test(`${rt.name}: a 32 MiB download whose slow client half-closes midway arrives whole`, async () => {
    const payload = randomBytes(32 * 1024 * 1024);
    const listener = await rt.listen({ host: "127.0.0.1", port: 0 }, (s) => {
      let off = 0;
      const pump = () => {
        while (off < payload.length) {
          const ok = s.write(payload.subarray(off, off + 64 * 1024));
          off += 64 * 1024;
          if (!ok) return;
        }
        s.shutdown();
      };
      s.setHandlers({ data: () => {}, drain: pump, end: () => {}, close: () => {} });
      pump();
    });
    try {
      const sock = await rt.connect({ host: "127.0.0.1", port: listener.port });
      const parts: Uint8Array[] = [];
      let got = 0, halfClosed = false;
      const done = new Promise<void>((resolve, reject) => {
        sock.setHandlers({
          data: (c) => {
            parts.push(c);
            got += c.length;
            if (halfClosed || got < 1024 * 1024) return;
            halfClosed = true; // while the server's writes wait for the kernel
            sock.pause();
            sock.shutdown();
            setTimeout(() => sock.resume(), 200);
          },
          drain: () => {},
          end: () => resolve(),
          close: (err) => (err ? reject(err) : resolve()),
        });
      });
      await done;
      sock.close();
      assert.equal(got, payload.length);
      assert.equal(sha(parts), sha([payload]));
    } finally {
      listener.close();
    }
  });

  test(`${rt.name}: payload sent by the client arrives intact at the server (8 MiB)`, async () => {
    let received: Promise<Uint8Array[]> | undefined;
    const listener = await rt.listen({ host: "127.0.0.1", port: 0 }, (s) => {
      received = collect(s, () => s.shutdown());
    });
    try {
      const payload = randomBytes(8 * 1024 * 1024);
      const sock = await rt.connect({ host: "127.0.0.1", port: listener.port });
      await send(sock, payload);
      for (let i = 0; i < 100 && !received; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(sha(await received!), sha([payload]));
      sock.close();
    } finally {
      listener.close();
    }
  });

  test(`${rt.name}: both ends name each other, the accepted one still once its peer has left`, async () => {
    let accepted!: (s: Socket) => void;
    const got = new Promise<Socket>((resolve) => (accepted = resolve));
    const listener = await rt.listen({ host: "127.0.0.1", port: 0 }, (s) => accepted(s));
    try {
      const sock = await rt.connect({ host: "127.0.0.1", port: listener.port });
      const server = await got;
      const ended = new Promise<void>((resolve) =>
        server.setHandlers({
          data: () => {},
          drain: () => {},
          end: () => resolve(),
          close: () => resolve(),
        })
      );
      assert.equal(sock.remoteAddress, "127.0.0.1");
      assert.equal(sock.remotePort, listener.port);
      assert.equal(sock.localAddress, "127.0.0.1");
      const port = sock.localPort;
      assert.ok(port > 0, `local port ${port}`);
      sock.close();
      await ended;
      server.close();
      // a log line written after the client left still names it
      assert.equal(server.remoteAddress, "127.0.0.1");
      assert.equal(server.remotePort, port);
    } finally {
      listener.close();
    }
  });

  test(`${rt.name}: connect to a closed port fails with ConnectError "refused"`, async () => {
    const listener = await rt.listen({ host: "127.0.0.1", port: 0 }, () => {});
    const port = listener.port;
    listener.close();
    await assert.rejects(rt.connect({ host: "127.0.0.1", port, timeoutMs: 2000 }), (err) => {
      assert.ok(err instanceof ConnectError);
      assert.equal(err.kind, "refused");
      return true;
    });
  });

  test(`${rt.name}: binding an address in use fails naming the address`, async () => {
    const listener = await rt.listen({ host: "127.0.0.1", port: 0 }, () => {});
    try {
      await assert.rejects(
        rt.listen({ host: "127.0.0.1", port: listener.port }, () => {}),
        new RegExp(`127\\.0\\.0\\.1:${listener.port}`),
      );
    } finally {
      listener.close();
    }
  });

  test(`${rt.name}: a paused listener holds new connections until resumed`, async () => {
    const opened: Socket[] = [];
    const listener = await rt.listen({ host: "127.0.0.1", port: 0 }, (s) => {
      opened.push(s);
      s.setHandlers({ data: () => {}, drain: () => {}, end: () => s.shutdown(), close: () => {} });
    });
    try {
      const first = await rt.connect({ host: "127.0.0.1", port: listener.port });
      for (let i = 0; i < 100 && opened.length < 1; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.equal(opened.length, 1);
      listener.pause();
      await new Promise((r) => setTimeout(r, 20));
      const second = await rt.connect({ host: "127.0.0.1", port: listener.port });
      await new Promise((r) => setTimeout(r, 100));
      assert.ok(opened.length <= 2, "at most one accept was already under way");
      const before = opened.length;
      const third = await rt.connect({ host: "127.0.0.1", port: listener.port });
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(opened.length, before, "no connection is handed over while paused");
      listener.resume();
      for (let i = 0; i < 100 && opened.length < 3; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.equal(opened.length, 3);
      for (const s of [first, second, third, ...opened]) s.close();
    } finally {
      listener.close();
    }
  });
}
