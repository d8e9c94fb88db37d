/** syslogSink(): messages over UDP and TCP (octet-counted), a dead TCP target never blocks, drops counted, warnings rate-limited, reconnects. */
import assert from "node:assert/strict";
import dgram from "node:dgram";
import net from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { syslogSink } from "../../../src/log/syslog_sink.ts";
import type { SyslogEnvelope } from "../../../src/log/syslog_format.ts";
import { ProcessCounters } from "../../../src/stats/counters.ts";

const envelope: SyslogEnvelope = {
  facility: "local1",
  framing: "rfc5424",
  tag: "tsproxy",
  hostname: "lb1",
  pid: 7,
  len: 1024,
};

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A TCP syslog server parsing octet-counted frames. */
async function tcpServer(): Promise<{ port: number; frames: string[]; close(): Promise<void> }> {
  const frames: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    let buf = "";
    s.on("data", (d) => {
      buf += d.toString();
      for (;;) {
        const sp = buf.indexOf(" ");
        if (sp < 0) break;
        const len = Number(buf.slice(0, sp));
        if (buf.length < sp + 1 + len) break;
        frames.push(buf.slice(sp + 1, sp + 1 + len));
        buf = buf.slice(sp + 1 + len);
      }
    });
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as net.AddressInfo).port,
    frames,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

test("syslogSink() over UDP: one datagram per line, info for access lines, the record's level otherwise", async () => {
  const server = dgram.createSocket("udp4");
  await new Promise<void>((r) => server.bind(0, "127.0.0.1", r));
  const got: string[] = [];
  server.on("message", (m) => got.push(m.toString()));
  const port = (server.address() as net.AddressInfo).port;
  const sink = syslogSink({
    target: { transport: "udp", host: "127.0.0.1", port },
    envelope,
    warn: () => {},
  });
  for (let i = 0; i < 50; i++) sink.writeLine(`line ${i}`);
  sink.writeLine("broken", "err");
  await until(() => got.length === 51);
  await sink[Symbol.asyncDispose]();
  server.close();
  got.sort(); // UDP keeps no order (Deno's node:dgram reorders datagrams sent in one turn)
  assert.match(got[0]!, /^<139>1 .* broken$/);
  assert.match(got[1]!, /^<142>1 \S+ lb1 tsproxy 7 - - line 0$/);
  assert.equal(got.filter((g) => / - - line \d+$/.test(g)).length, 50);
});

test("syslogSink() over UDP: lines written just before dispose are still sent", async () => {
  const server = dgram.createSocket("udp4");
  await new Promise<void>((r) => server.bind(0, "127.0.0.1", r));
  const got: string[] = [];
  server.on("message", (m) => got.push(m.toString()));
  const port = (server.address() as net.AddressInfo).port;
  const sink = syslogSink({
    target: { transport: "udp", host: "127.0.0.1", port },
    envelope,
    warn: () => {},
  });
  sink.writeLine("last words");
  await sink[Symbol.asyncDispose]();
  await until(() => got.length === 1);
  server.close();
  assert.match(got[0]!, / - - last words$/);
});

test("syslogSink() over TCP: octet-counted frames, in order, all delivered on dispose", async () => {
  const server = await tcpServer();
  const sink = syslogSink({
    target: { transport: "tcp", host: "127.0.0.1", port: server.port },
    envelope: { ...envelope, framing: "rfc3164" },
    warn: () => {},
  });
  for (let i = 0; i < 3000; i++) sink.writeLine(`request ${i} with a space`);
  await sink[Symbol.asyncDispose]();
  await until(() => server.frames.length === 3000);
  await server.close();
  server.frames.forEach((f, i) =>
    assert.match(
      f,
      new RegExp(`^<142>\\w{3} [ \\d]\\d [\\d:]{8} lb1 tsproxy\\[7\\]: request ${i} with a space$`),
    )
  );
});

test("syslogSink() to a dead TCP target: writeLine stays fast, the queue bound drops and counts, one warning", async () => {
  const probe = await tcpServer();
  const port = probe.port;
  await probe.close(); // nothing listens there now
  const counters = new ProcessCounters();
  const warnings: string[] = [];
  const sink = syslogSink({
    target: { transport: "tcp", host: "127.0.0.1", port },
    envelope,
    counters,
    warn: (m) => warnings.push(m),
    maxCount: 100,
  });
  const t0 = performance.now();
  for (let i = 0; i < 20_000; i++) sink.writeLine(`line ${i}`);
  const spent = performance.now() - t0;
  assert.ok(spent < 500, `20000 lines took ${spent.toFixed(0)} ms`);
  await new Promise((r) => setTimeout(r, 700)); // several connect attempts (backoff 250, 500 ms)
  for (let i = 0; i < 10; i++) sink.writeLine(`late ${i}`);
  assert.equal(sink.queue.length, 100);
  assert.equal(counters.droppedLogs, 20_000 + 10 - 100);
  assert.equal(warnings.length, 1, warnings.join("\n"));
  assert.match(warnings[0]!, new RegExp(`syslog tcp://127.0.0.1:${port}: .*bounded queue`));
  await sink[Symbol.asyncDispose]();
});

test("syslogSink() over TCP reconnects once the server is back and sends what waited", async () => {
  const first = await tcpServer();
  const port = first.port;
  await first.close();
  const sink = syslogSink({
    target: { transport: "tcp", host: "127.0.0.1", port },
    envelope,
    warn: () => {},
  });
  sink.writeLine("while down");
  await new Promise((r) => setTimeout(r, 100));
  const frames: string[] = [];
  const back = net.createServer((s) => s.on("data", (d) => frames.push(d.toString())));
  await new Promise<void>((r) => back.listen(port, "127.0.0.1", r));
  await until(() => frames.join("").includes("while down"), 5000);
  sink.writeLine("after");
  await until(() => frames.join("").includes("after"));
  await sink[Symbol.asyncDispose]();
  await new Promise<void>((r) => back.close(() => r()));
  assert.match(frames.join(""), /^\d+ <142>1 .* while down\d+ <142>1 .* after$/);
});

test("syslogSink() to a TCP server that never reads: writeLine stays fast, the queue bound drops and counts", async () => {
  const held: net.Socket[] = [];
  const server = net.createServer((s) => {
    s.pause();
    held.push(s);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  const counters = new ProcessCounters();
  const sink = syslogSink({
    target: { transport: "tcp", host: "127.0.0.1", port },
    envelope,
    counters,
    warn: () => {},
    maxBytes: 256 * 1024,
  });
  const line = "z".repeat(1000);
  let slowest = 0;
  for (let round = 0; round < 40; round++) {
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) sink.writeLine(line);
    slowest = Math.max(slowest, performance.now() - t0);
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.ok(slowest < 200, `1000 lines took ${slowest.toFixed(0)} ms`);
  assert.ok(sink.queue.bytes <= 256 * 1024);
  assert.ok(counters.droppedLogs > 0, "40 MB cannot all sit in kernel buffers and the queue");
  await sink[Symbol.asyncDispose]();
  for (const s of held) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

test("syslogSink() over a unix stream socket: octet-counted frames", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsproxy-syslog-"));
  const path = join(dir, "log.sock");
  let got = "";
  const server = net.createServer((s) => s.on("data", (d) => (got += d.toString())));
  await new Promise<void>((r) => server.listen(path, r));
  try {
    const sink = syslogSink({ target: { transport: "unix", path }, envelope, warn: () => {} });
    sink.writeLine("one");
    sink.writeLine("two");
    await sink[Symbol.asyncDispose]();
    await until(() => got.includes("two"));
    assert.match(got, /^\d+ <142>1 \S+ lb1 tsproxy 7 - - one\d+ <142>1 \S+ lb1 tsproxy 7 - - two$/);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
});
