/** Server faults under load: an origin killed, one resetting every tenth connection, one stalling past timeout.server; what clients saw. */
import assert from "node:assert/strict";
import { test } from "node:test";
import net from "node:net";
import { type Origin, sleep, tcpServer } from "./helpers/net.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";

const TIMEOUT_SERVER_MS = 400;
const CLIENTS = 8;
const LOAD_MS = 2500;

type Fault = "killed" | "reset" | "stall";

/** An origin that answers each request on its own connection, or misbehaves as told; counts what it got. */
interface FaultyOrigin extends Origin {
  /** Requests read (all methods) / POSTs read. */
  readonly got: { all: number; posts: number; resets: number; resetPosts: number; stalled: number };
  kill(): void;
}

async function origin(name: string, fault: Fault | "none"): Promise<FaultyOrigin> {
  const got = { all: 0, posts: 0, resets: 0, resetPosts: 0, stalled: 0 };
  let conns = 0;
  const socks = new Set<net.Socket>();
  const o = await tcpServer((sock) => {
    const nth = ++conns;
    socks.add(sock);
    sock.on("close", () => socks.delete(sock));
    let buf = "";
    sock.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      for (;;) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = buf.slice(0, end);
        const len = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + len) return;
        buf = buf.slice(end + 4 + len);
        got.all++;
        const post = head.startsWith("POST");
        if (post) got.posts++;
        if (fault === "reset" && nth % 10 === 0) {
          got.resets++;
          if (post) got.resetPosts++;
          sock.resetAndDestroy();
          return;
        }
        if (fault === "stall") {
          got.stalled++;
          continue; // never answered: past timeout.server
        }
        sock.write(`HTTP/1.1 200 OK\r\nContent-Length: ${name.length}\r\n\r\n${name}`);
      }
    });
    sock.on("end", () => sock.end());
  });
  return {
    ...o,
    port: o.port,
    get accepted() {
      return o.accepted;
    },
    get open() {
      return o.open;
    },
    got,
    close: () => o.close(),
    kill() {
      // the process dies: its listener goes and every connection is reset
      void o.close();
      for (const s of socks) s.resetAndDestroy();
    },
  };
}

function config(ports: number[]): string {
  return `
global: { log: none }
defaults:
  mode: http
  timeout: { connect: 500ms, server: ${TIMEOUT_SERVER_MS}ms, client: 10s }
frontends:
  fe: { bind: ["127.0.0.1:0"], defaultBackend: be }
backends:
  be:
    balance: roundrobin
    retries: 3
    redispatch: 1
    retryOn: "conn-failure empty-response response-timeout"
    servers:
${ports.map((p, i) => `      - { name: s${i}, address: "127.0.0.1:${p}" }`).join("\n")}
`;
}

interface Seen {
  ok: number;
  /** Statuses of failed GETs / POSTs, and requests the client gave up on (hung) or saw no answer. */
  getFailed: string[];
  postFailed: string[];
  posts: number;
  maxMs: number;
}

/** CLIENTS loops of one request per connection (every fourth a POST with a body) for `ms`. */
async function load(port: number, ms: number, during: () => Promise<void>): Promise<Seen> {
  const seen: Seen = { ok: 0, getFailed: [], postFailed: [], posts: 0, maxMs: 0 };
  const until = Date.now() + ms;
  const loop = async (c: number) => {
    for (let i = 0; Date.now() < until; i++) {
      const post = (i + c) % 4 === 0;
      if (post) seen.posts++;
      const t0 = Date.now();
      let outcome: string;
      try {
        const r = await fetch(`http://127.0.0.1:${port}/x`, {
          method: post ? "POST" : "GET",
          body: post ? "payload" : null,
          headers: { connection: "close" },
          signal: AbortSignal.timeout(5000),
        });
        await r.arrayBuffer();
        outcome = String(r.status);
      } catch (err) {
        outcome = `error: ${(err as Error).name}`;
      }
      seen.maxMs = Math.max(seen.maxMs, Date.now() - t0);
      if (outcome === "200") seen.ok++;
      else (post ? seen.postFailed : seen.getFailed).push(outcome);
    }
  };
  await Promise.all([...Array.from({ length: CLIENTS }, (_, c) => loop(c)), during()]);
  return seen;
}

for (const rt of RUNTIMES) {
  for (const fault of ["killed", "reset", "stall"] as const) {
    test(`${rt}: under load, an origin ${fault}: only requests sent to it fail, the rest retried elsewhere`, async () => {
      const bad = await origin("bad", fault === "killed" ? "none" : fault);
      const good = [await origin("g1", "none"), await origin("g2", "none")];
      const proxy = await startProxy(rt, config([bad.port, good[0]!.port, good[1]!.port]));
      try {
        const port = proxy.ports[0]!;
        const seen = await load(port, LOAD_MS, async () => {
          if (fault !== "killed") return;
          await sleep(LOAD_MS / 3);
          bad.kill();
        });
        const served = good[0]!.got.all + good[1]!.got.all;
        const total = seen.ok + seen.getFailed.length + seen.postFailed.length;
        const line = `${rt} ${fault}: ${total} requests (${seen.posts} POST), ${seen.ok} ok, ` +
          `GET failed ${seen.getFailed.length}, POST failed ${seen.postFailed.length} ` +
          `[${[...new Set(seen.postFailed)]}], origin bad got ${bad.got.all} ` +
          `(${bad.got.posts} POST, ${bad.got.resets} reset, ${bad.got.stalled} stalled), good ${served}, ` +
          `slowest ${seen.maxMs}ms`;
        console.log(line);
        assert.ok(total > 50, `enough load: ${line}`);
        assert.ok(bad.got.all > 0, `the failing origin was reached: ${line}`);
        // retry-safe requests (GET, no body) are all retried elsewhere
        assert.deepEqual(seen.getFailed, [], line);
        // only requests already sent to the failing origin fail, as 502 (cut) or 504 (stalled)
        for (const s of seen.postFailed) {
          assert.match(s, fault === "stall" ? /^504$/ : /^502$/, line);
        }
        if (fault === "reset") assert.ok(seen.postFailed.length <= bad.got.resetPosts, line);
        if (fault === "stall") {
          assert.ok(bad.got.stalled > 0, line);
          assert.ok(seen.postFailed.length <= bad.got.posts, line);
        }
        // killed: only the POSTs in flight on it when it died (one per client at most)
        if (fault === "killed") assert.ok(seen.postFailed.length <= CLIENTS, line);
        // nothing hangs past the timeouts: a stalled try costs timeout.server, then a retry answers
        const bound = fault === "stall" ? 2 * TIMEOUT_SERVER_MS + 600 : 1000;
        assert.ok(seen.maxMs < bound, `slowest ${seen.maxMs}ms, bound ${bound}ms: ${line}`);
      } finally {
        await proxy.stop();
        bad.kill();
        for (const g of good) await g.close();
      }
    });
  }
}
