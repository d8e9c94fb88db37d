/** RedisClient over a fake runtime: AUTH/SELECT first, pipelines answered in order, refusal while down, reconnect with backoff, the bounded queue. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { RedisClient } from "../../../src/redis/client.ts";
import { RespError } from "../../../src/redis/resp.ts";
import type { Socket, SocketHandlers } from "../../../src/runtime/types.ts";
import { parseRedisUrl } from "../../../src/redis/url.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const tick = () => new Promise((r) => setTimeout(r, 0));

class FakeSocket implements Socket {
  remoteAddress = "127.0.0.1";
  remotePort = 6379;
  localAddress = "127.0.0.1";
  localPort = 40000;
  pending = 0;
  closed = false;
  written = "";
  #h: SocketHandlers | null = null;
  setHandlers(h: SocketHandlers) {
    this.#h = h;
  }
  write(chunk: Uint8Array) {
    this.written += text(chunk);
    return true;
  }
  /** Bytes from "Redis". */
  reply(s: string) {
    this.#h!.data(new TextEncoder().encode(s));
  }
  pause() {}
  resume() {}
  shutdown() {}
  setNoDelay() {}
  close() {
    if (this.closed) return;
    this.closed = true;
    this.#h?.close();
  }
}

function fakeRuntime() {
  const sockets: FakeSocket[] = [];
  const at: number[] = [];
  let refuse = false;
  return {
    sockets,
    at,
    set refuse(v: boolean) {
      refuse = v;
    },
    runtime: {
      connect() {
        at.push(Date.now());
        if (refuse) return Promise.reject(new Error("connection refused"));
        const s = new FakeSocket();
        sockets.push(s);
        return Promise.resolve(s);
      },
      connectTls() {
        return Promise.reject(new Error("no TLS here"));
      },
    },
  };
}

async function waitFor(cond: () => boolean, what: string) {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), what);
}

test("RedisClient sends AUTH and SELECT from the URL first, then is up", async () => {
  const f = fakeRuntime();
  const states: string[] = [];
  const c = new RedisClient(f.runtime, {
    target: parseRedisUrl("redis://:pw@h:1/3"),
    onState: (up) => states.push(up ? "up" : "down"),
  });
  c.start();
  await waitFor(() => f.sockets.length === 1, "connected");
  const s = f.sockets[0]!;
  assert.equal(
    s.written,
    "*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n*1\r\n$4\r\nPING\r\n",
  );
  assert.equal(c.up, false);
  s.reply("+OK\r\n+OK\r\n+PONG\r\n");
  await tick();
  assert.equal(c.up, true);
  assert.deepEqual(states, ["up"]);
  c.close();
});

test("RedisClient.pipeline() writes once and resolves with the replies in order, errors as values", async () => {
  const f = fakeRuntime();
  const c = new RedisClient(f.runtime, { target: parseRedisUrl("redis://h") });
  c.start();
  await waitFor(() => f.sockets.length === 1, "connected");
  const s = f.sockets[0]!;
  s.reply("+PONG\r\n");
  await tick();
  s.written = "";
  const p1 = c.pipeline([["HINCRBY", "k", "f", 2], ["HGETALL", "k"]]);
  const p2 = c.pipeline([["GET", "x"]]);
  assert.equal(s.written.split("*").length - 1, 3);
  s.reply(":2\r\n*2\r\n$1\r\nf\r\n$1");
  s.reply("\r\n2\r\n-ERR nope\r\n");
  assert.deepEqual(await p1, [2, ["f", "2"]]);
  assert.deepEqual(await p2, [new RespError("ERR nope")]);
  c.close();
});

test("RedisClient refuses at once while down, fails pipelines in flight, reconnects with backoff", async () => {
  const f = fakeRuntime();
  const states: string[] = [];
  const c = new RedisClient(f.runtime, {
    target: parseRedisUrl("redis://h"),
    backoff: { min: 20, max: 40 },
    onState: (up, why) => states.push(up ? "up" : `down: ${why}`),
  });
  await assert.rejects(c.pipeline([["PING"]]), /redis h:6379: down \(not connected yet\)/);
  c.start();
  await waitFor(() => f.sockets.length === 1, "connected");
  f.sockets[0]!.reply("+PONG\r\n");
  await tick();
  const inFlight = c.pipeline([["PING"]]);
  f.refuse = true;
  f.sockets[0]!.close();
  await assert.rejects(inFlight, /connection closed/);
  assert.equal(c.up, false);
  await assert.rejects(c.pipeline([["PING"]]), /down \(closed by the server\)/);
  await waitFor(() => f.at.length >= 4, "three reconnect attempts");
  const gaps = f.at.slice(1).map((t, i) => t - f.at[i]!);
  assert.ok(gaps[1]! >= 15 && gaps[2]! >= 35, `backoff doubles to its max: ${gaps}`);
  f.refuse = false;
  await waitFor(() => f.sockets.length === 2, "reconnected");
  f.sockets[1]!.reply("+PONG\r\n");
  await tick();
  assert.equal(c.up, true);
  assert.deepEqual(states, ["up", "down: closed by the server", "up"]);
  c.close();
});

test("RedisClient bounds the pipelines waiting for replies, and times a silent server out", async () => {
  const f = fakeRuntime();
  const c = new RedisClient(f.runtime, {
    target: parseRedisUrl("redis://h"),
    maxPending: 2,
    replyTimeoutMs: 50,
    backoff: { min: 1000, max: 1000 },
  });
  c.start();
  await waitFor(() => f.sockets.length === 1, "connected");
  f.sockets[0]!.reply("+PONG\r\n");
  await tick();
  const a = c.pipeline([["PING"]]), b = c.pipeline([["PING"]]);
  await assert.rejects(c.pipeline([["PING"]]), /2 pipelines waiting for replies/);
  await assert.rejects(a, /connection closed/);
  await assert.rejects(b, /connection closed/);
  assert.equal(f.sockets[0]!.closed, true);
  await assert.rejects(c.pipeline([["PING"]]), /no reply within 50 ms/);
  c.close();
});
