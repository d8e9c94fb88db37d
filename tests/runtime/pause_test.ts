/** The runtime adapter's pause over plain TCP (deno test, bun test): no byte delivered while paused, everything and the end after resume. */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { test } from "node:test";
import {
  getRuntime,
  type Listener,
  type ListenOptions,
  type Socket,
} from "../../src/runtime/mod.ts";

const runtime = await getRuntime();

/** The runtime's listen, and on Deno node:net's too (the default for plain binds, and upgrades; the runtime's is Deno.listen with TSPROXY_NET_STACK=deno). */
const listens: [string, (o: ListenOptions, onOpen: (s: Socket) => void) => Promise<Listener>][] = [
  [runtime.name, (o, onOpen) => runtime.listen(o, onOpen)],
];
if (runtime.name === "deno") {
  const { listenNodeAddr } = await import("../../src/runtime/node_net_listen.ts");
  listens.push(["deno node:net", (o, onOpen) => listenNodeAddr(o.host, o.port, false, onOpen)]);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sha(parts: Uint8Array[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex");
}

/** Writes `data` in 64 KiB chunks as fast as `write` allows, then half-closes. */
function send(sock: Socket, data: Uint8Array): void {
  let off = 0;
  const pump = () => {
    while (off < data.length) {
      const ok = sock.write(data.subarray(off, off + 65536));
      off += 65536;
      if (!ok) return;
    }
    sock.shutdown();
  };
  sock.setHandlers({ data: () => {}, drain: pump, end: () => {}, close: () => {} });
  pump();
}

for (const [name, listen] of listens) {
  test(`${name}: a paused socket delivers nothing until resumed, then every byte and the end`, async () => {
    const parts: Uint8Array[] = [];
    let whilePaused = 0, ends = 0, paused = false;
    let server: Socket | undefined;
    const ended = Promise.withResolvers<void>();
    const listener = await listen({ host: "127.0.0.1", port: 0 }, (s) => {
      server = s;
      s.setHandlers({
        data: (c) => {
          if (paused) whilePaused += c.length;
          parts.push(c);
          if (!paused && parts.length === 1) {
            paused = true;
            s.pause();
          }
        },
        drain: () => {},
        end: () => {
          ends++;
          ended.resolve();
        },
        close: () => ended.resolve(),
      });
    });
    const payload = randomBytes(16 * 1024 * 1024);
    const client = await runtime.connect({ host: "127.0.0.1", port: listener.port });
    try {
      send(client, payload);
      for (let i = 0; i < 200 && !paused; i++) await sleep(10);
      assert.ok(paused, "no data reached the server");
      await sleep(400); // the client keeps writing into the kernel's buffers meanwhile
      assert.equal(whilePaused, 0, `${whilePaused} bytes delivered while paused`);
      const got = parts.reduce((n, p) => n + p.length, 0);
      assert.ok(got < 1024 * 1024, `${got} bytes read before the pause took hold`);
      paused = false;
      server!.resume();
      await Promise.race([ended.promise, sleep(20000)]);
      assert.equal(ends, 1, "the end of stream was not delivered once");
      assert.equal(sha(parts), sha([payload]));
    } finally {
      client.close();
      server?.close();
      listener.close();
    }
  });

  test(`${name}: pausing on every chunk and resuming a turn later keeps bytes, order and end`, async () => {
    const parts: Uint8Array[] = [];
    let ends = 0, whilePaused = 0;
    const ended = Promise.withResolvers<void>();
    const listener = await listen({ host: "127.0.0.1", port: 0 }, (s) => {
      let paused = false;
      s.setHandlers({
        data: (c) => {
          if (paused) whilePaused++;
          parts.push(c);
          paused = true;
          s.pause();
          setTimeout(() => {
            paused = false;
            s.resume();
          }, 1);
        },
        drain: () => {},
        end: () => {
          ends++;
          if (paused) whilePaused++;
          s.shutdown();
          ended.resolve();
        },
        close: () => ended.resolve(),
      });
    });
    const payload = randomBytes(4 * 1024 * 1024);
    const client = await runtime.connect({ host: "127.0.0.1", port: listener.port });
    try {
      send(client, payload);
      await Promise.race([ended.promise, sleep(20000)]);
      assert.equal(whilePaused, 0, `${whilePaused} events delivered while paused`);
      assert.equal(ends, 1, "the end of stream was not delivered once");
      assert.equal(sha(parts), sha([payload]));
    } finally {
      client.close();
      listener.close();
    }
  });
}
