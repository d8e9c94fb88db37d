/**
 * The adapter's read buffers through the whole proxy, on every runtime: on one connection, small
 * exchanges and 1 MiB bodies in turn (Deno reads an idle connection into a small buffer and switches
 * to a large one while data streams), byte-exact in TCP mode and in HTTP mode both ways.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type net from "node:net";
import { test } from "node:test";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";
import { connect, echoServer, sha256, tcpServer } from "./helpers/net.ts";
import { httpConfig } from "./helpers/http.ts";

const MiB = 1024 * 1024;

/** Reads from `s` until `n` bytes in all arrived (or `done` says the message is complete). */
function readUntil(
  s: net.Socket,
  done: (got: Buffer) => boolean,
  ms = 20_000,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (done(got)) finish(null);
    };
    const finish = (err: Error | null) => {
      clearTimeout(timer);
      s.off("data", onData);
      s.off("close", onClose);
      if (err) reject(err);
      else resolve(got);
    };
    const onClose = () => finish(new Error(`closed after ${got.length} bytes`));
    const timer = setTimeout(() => finish(new Error(`${got.length} bytes after ${ms}ms`)), ms);
    s.on("data", onData);
    s.on("close", onClose);
  });
}

/** One HTTP/1.1 message's total length once its head and Content-Length body are in `b`; else -1. */
function messageLength(b: Buffer): number {
  const end = b.indexOf("\r\n\r\n");
  if (end < 0) return -1;
  const m = /\r\ncontent-length:\s*(\d+)/i.exec(b.subarray(0, end).toString("latin1"));
  return end + 4 + (m ? Number(m[1]) : 0);
}

/** An origin answering each request with its body (POST) or the 1 MiB `big` (GET /big), else "ok". */
function bodyOrigin(big: Buffer) {
  return tcpServer((s) => {
    let buf = Buffer.alloc(0);
    s.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (let len = messageLength(buf); len > 0 && buf.length >= len; len = messageLength(buf)) {
        const head = buf.subarray(0, buf.indexOf("\r\n\r\n")).toString("latin1");
        const reqBody = buf.subarray(head.length + 4, len);
        buf = buf.subarray(len);
        const body = head.startsWith("POST") ? reqBody : head.startsWith("GET /big") ? big : "ok";
        s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`);
        s.write(body);
      }
    });
  });
}

for (const rt of RUNTIMES) {
  test(`${rt}: TCP mode: small, 1 MiB, small on one connection come back byte-exact`, async () => {
    const origin = await echoServer();
    const proxy = await startProxy(
      rt,
      `
defaults: { mode: tcp, timeout: { connect: 2s, client: 30s, server: 30s } }
frontends: { f: { bind: ["127.0.0.1:0"], defaultBackend: b } }
backends: { b: { servers: [{ name: s1, address: "127.0.0.1:${origin.port}" }] } }
`,
    );
    try {
      const s = await connect(proxy.ports[0]!);
      for (const size of [100, MiB, 2048, 7, MiB + 3, 300]) {
        const data = randomBytes(size);
        const reply = readUntil(s, (b) => b.length >= size);
        s.write(data);
        const got = await reply;
        assert.equal(got.length, size);
        assert.equal(sha256(got), sha256(data), `${size} bytes echoed`);
      }
      s.destroy();
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: HTTP mode: 1 MiB request and response bodies between small requests, byte-exact`, async () => {
    const big = randomBytes(MiB);
    const origin = await bodyOrigin(big);
    const proxy = await startProxy(rt, httpConfig([["s1", origin.port]]));
    try {
      const s = await connect(proxy.ports[0]!);
      const exchange = async (request: Buffer | string) => {
        const reply = readUntil(s, (b) => {
          const len = messageLength(b);
          return len > 0 && b.length >= len;
        });
        s.write(request);
        const got = await reply;
        const end = got.indexOf("\r\n\r\n");
        assert.match(got.subarray(0, end).toString("latin1"), /^HTTP\/1\.1 200/);
        return got.subarray(end + 4);
      };
      const upload = randomBytes(MiB);
      const post = Buffer.concat([
        Buffer.from(`POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: ${MiB}\r\n\r\n`),
        upload,
      ]);
      assert.equal(String(await exchange("GET /a HTTP/1.1\r\nHost: t\r\n\r\n")), "ok");
      assert.equal(sha256(await exchange(post)), sha256(upload), "1 MiB request body");
      assert.equal(String(await exchange("GET /b HTTP/1.1\r\nHost: t\r\n\r\n")), "ok");
      assert.equal(sha256(await exchange("GET /big HTTP/1.1\r\nHost: t\r\n\r\n")), sha256(big));
      assert.equal(String(await exchange("GET /c HTTP/1.1\r\nHost: t\r\n\r\n")), "ok");
      s.destroy();
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });
}
