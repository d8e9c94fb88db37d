/**
 * Conformance of the adapter's reads (deno test, bun test): small and large reads in any order, reads
 * that exactly fill an idle connection's buffer, chunks that stay intact after later reads, and
 * pause/resume while data streams. Deno's adapter reads idle connections into a small buffer and
 * switches to a large one while data streams; these cases cross that switch both ways.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { test } from "node:test";
import { getRuntime, type Listener, type Socket } from "../../src/runtime/mod.ts";

const runtime = await getRuntime();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sha(parts: Uint8Array[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex");
}

/** A listener whose first accepted socket is handed to the test; the client end connected to it. */
async function pair(): Promise<{ server: Socket; client: Socket; listener: Listener }> {
  let accepted: (s: Socket) => void = () => {};
  const got = new Promise<Socket>((r) => (accepted = r));
  const listener = await runtime.listen({ host: "127.0.0.1", port: 0 }, (s) => accepted(s));
  const client = await runtime.connect({ host: "127.0.0.1", port: listener.port });
  client.setHandlers({ data: () => {}, drain: () => {}, end: () => {}, close: () => {} });
  return { server: await got, client, listener };
}

/** Receives on `sock`, keeping every chunk as delivered (never copied), until `total` bytes came. */
function receive(sock: Socket) {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let waiter: { n: number; resolve: () => void } | null = null;
  sock.setHandlers({
    data: (c) => {
      chunks.push(c);
      bytes += c.length;
      if (waiter && bytes >= waiter.n) waiter.resolve();
    },
    drain: () => {},
    end: () => {},
    close: () => {},
  });
  return {
    chunks,
    get bytes() {
      return bytes;
    },
    /** Resolves once `n` bytes in all arrived; rejects after `ms`. */
    until(n: number, ms = 10_000): Promise<void> {
      if (bytes >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`${bytes} of ${n} bytes after ${ms}ms`)), ms);
        waiter = {
          n,
          resolve: () => {
            clearTimeout(t);
            waiter = null;
            resolve();
          },
        };
      });
    },
  };
}

/** Writes `data` honouring backpressure (the peer reads it meanwhile). */
async function writeAll(sock: Socket, data: Uint8Array, piece = 100_000): Promise<void> {
  for (let off = 0; off < data.length; off += piece) {
    if (!sock.write(data.subarray(off, off + piece))) {
      for (let t = 0; sock.pending > 0; t += 5) {
        if (t > 10_000) throw new Error("writeAll: not drained within 10s");
        await sleep(5);
      }
    }
  }
}

test(`${runtime.name}: reads of every size in turn arrive intact, each chunk left as delivered`, async () => {
  const { server, client, listener } = await pair();
  try {
    const r = receive(server);
    // around the idle buffer (2 KiB), the copy threshold (8 KiB), the large buffer (64 KiB), and bulk
    const sizes = [1, 2047, 2048, 2049, 10, 8191, 8192, 65536, 65537, 5, 1 << 20, 3, 2048, 100];
    const sent: Uint8Array[] = [];
    let total = 0;
    for (const n of sizes) {
      const data = randomBytes(n);
      sent.push(data);
      total += n;
      await writeAll(client, data);
      await r.until(total); // each size lands on a connection that went quiet before it
    }
    assert.equal(r.bytes, total);
    // later reads did not overwrite what earlier chunks hold
    assert.equal(sha(r.chunks), sha(sent));
  } finally {
    client.close();
    server.close();
    listener.close();
  }
});

test(`${runtime.name}: a read that exactly fills the idle buffer is delivered without waiting for more`, async () => {
  const { server, client, listener } = await pair();
  try {
    const r = receive(server);
    const data = randomBytes(2048);
    client.write(data);
    await r.until(2048, 2000);
    const later = randomBytes(300);
    client.write(later);
    await r.until(2348, 2000);
    assert.equal(sha(r.chunks), sha([data, later]));
  } finally {
    client.close();
    server.close();
    listener.close();
  }
});

test(`${runtime.name}: pause holds a stream back and resume delivers the rest intact (1 MiB)`, async () => {
  const { server, client, listener } = await pair();
  try {
    const r = receive(server);
    const data = randomBytes(1 << 20);
    client.write(data.subarray(0, 4096));
    await r.until(4096);
    server.pause();
    const writing = writeAll(client, data.subarray(4096));
    await sleep(100);
    const whilePaused = r.bytes;
    await sleep(100);
    assert.equal(r.bytes, whilePaused, "no data is delivered while paused");
    assert.ok(whilePaused < data.length, "the paused side holds back the stream");
    server.resume();
    await r.until(data.length);
    await writing;
    assert.equal(sha(r.chunks), sha([data]));
  } finally {
    client.close();
    server.close();
    listener.close();
  }
});
