/** `global.workers: 2` with a stick table shared through Debian's redis-server: one limit per client across both workers, each worker its own instance in Redis, nothing counted twice (conn_cur included). */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import process from "node:process";
import { join } from "node:path";
import { test } from "node:test";
import { sleep } from "./helpers/net.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";
import { describeOvershoot, overshoot, paced, redisHash, startRedis } from "./helpers/redis.ts";
import { statsCommand } from "./helpers/stats.ts";

const SYNC = 100, PERIOD = 10_000, LIMIT = 50, RATE = 100, SENT = 120;
/** Requests that arrive within one sync interval at RATE. */
const PER_SYNC = (RATE * SYNC) / 1000;

/** `track`: where the client is tracked (a connection's tracker holds conn_cur while it is open). */
function config(
  redisPort: number,
  sock: string,
  limit: number,
  shared: boolean,
  track: "http" | "connection" = "http",
): string {
  const tracking = track === "http"
    ? "    httpRequest:\n      - track-sc0 src table per_ip\n"
    : "    tcpRequest: [connection track-sc0 src table per_ip]\n    httpRequest:\n";
  return `
global: { workers: 2, log: none, hardStopAfter: 1s, statsSocket: { path: "${sock}", level: admin } }
shared: { redis: "redis://127.0.0.1:${redisPort}/0", prefix: "w2:", syncInterval: ${SYNC}ms }
stickTables:
  per_ip:
    type: ip
    size: 1k
    expire: 60s
    store: ["http_req_rate(10s)", http_req_cnt, conn_cur]
    shared: ${shared}
frontends:
  web:
    bind: ["127.0.0.1:0"]
    mode: http
    defaultBackend: none
    timeout: { client: 30s }
${tracking}      - deny deny_status 429 if { sc_http_req_rate(0) gt ${limit} }
      - return status 200 content-type text/plain string "ok"
backends:
  none: { mode: http, servers: [] }
`;
}

/** Every instance's own field of `name` in the hash: instance id (the owner before its ".life") → value. */
function perInstance(hash: Map<string, string>, prefix: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [field, value] of hash) {
    if (!field.startsWith(prefix)) continue;
    const instance = field.slice(prefix.length).split(".")[0]!;
    out.set(instance, (out.get(instance) ?? 0) + Number(value.split(":")[0]));
  }
  return out;
}

/** Each worker's value of `name` in `show table per_ip` through the master (the workers answer apart when their `exp` differ). */
function tableValues(dump: string, name: string): number[] {
  return [...dump.matchAll(new RegExp(`key=127\\.0\\.0\\.1 .*\\b${name}=(\\d+)`, "g"))].map((m) =>
    Number(m[1])
  );
}

/** Asserts every worker's entry shows `name` = `want` (and that there is one per worker). */
async function everyWorkerShows(sock: string, name: string, want: number): Promise<void> {
  const dump = await statsCommand(sock, "show table per_ip");
  const values = tableValues(dump, name);
  const workers = (dump.match(/^# worker /gm) ?? []).length || 1;
  assert.equal(values.length, workers, dump);
  assert.deepEqual(values, values.map(() => want), dump);
}

/** Waits until the current aligned rate period has room for `ms` more (shared periods start on the epoch). */
async function roomInPeriod(ms: number): Promise<void> {
  const left = PERIOD - (Date.now() % PERIOD);
  if (left < ms) await sleep(left + 50);
}

/** A connection that sent one request and got its answer, held open (keep-alive). */
function heldConnection(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("error", reject);
    s.once("connect", () => s.write("GET / HTTP/1.1\r\nhost: x\r\n\r\n"));
    s.once("data", (d) => {
      if (!d.toString().startsWith("HTTP/1.1 200")) reject(new Error(d.toString()));
      else resolve(s);
    });
  });
}

for (const rt of RUNTIMES.filter((r) => r !== "deno")) {
  test(`${rt}: workers: 2, shared table: ${RATE} req/s from one address on new connections against ${LIMIT} per 10 s is one limit for both workers`, async () => {
    const redis = await startRedis();
    const found: Record<string, number> = {};
    try {
      for (const shared of [false, true]) {
        const sock = join(mkdtempSync(join(tmpdir(), "tsproxy-w2-")), "s.sock");
        const proxy = await startProxy(rt, config(redis.port, sock, LIMIT, shared));
        try {
          await sleep(300); // both workers connected to Redis
          await roomInPeriod(SENT * 10 + 2000);
          const run = await paced(SENT, RATE, () => proxy.ports[0]!);
          assert.ok(run.statuses.every((s) => s === 200 || s === 429), run.statuses.join(" "));
          const o = overshoot(run, LIMIT);
          found[shared ? "shared" : "local"] = o.allowed;
          await sleep(SYNC * 4);
          const hash = redisHash(redis.port, "w2:per_ip:127.0.0.1");
          const served = perInstance(hash, "c:http_req_cnt:");
          console.log(
            `${rt} workers ${shared ? "shared" : "local"}: ${run.rate.toFixed(0)} req/s, ` +
              `${SENT} sent: ${describeOvershoot(o, LIMIT, SYNC)}; per worker in Redis: ${
                [...served.values()].join(" + ") || "-"
              }`,
          );
          if (!shared) {
            assert.equal(hash.size, 0, "a table without shared: true writes nothing");
            continue;
          }
          // each worker is an instance of its own, both served, and the sum is what was sent
          assert.equal(served.size, 2, `two instances in Redis: ${[...hash.keys()].join(" ")}`);
          assert.ok([...served.values()].every((n) => n > 0), "both workers served");
          assert.equal([...served.values()].reduce((a, b) => a + b), SENT);
          await everyWorkerShows(sock, "http_req_cnt", SENT);
          // denied from the 51st on, late by at most one sync interval's worth (+2 for a busy machine)
          assert.ok(o.allowed >= LIMIT, `${o.allowed} allowed`);
          assert.ok(o.over <= PER_SYNC + 2, `over by ${o.over} (one sync: ${PER_SYNC})`);
          // a worker that has not read the other's last counts yet may let one more through: the
          // other's counts arrive within two intervals (its push, then this one's read)
          assert.ok(o.lastAllowedMs <= 2 * SYNC + 50, `allowed until ${o.lastAllowedMs} ms after`);
        } finally {
          await proxy.stop();
        }
      }
      // without sharing each worker allows its own 50, wherever the kernel sends connections
      assert.ok(found.local! > found.shared!, `local ${found.local} vs shared ${found.shared}`);
    } finally {
      redis.proc.kill("SIGKILL");
    }
  });

  test(`${rt}: workers: 2, shared table: conn_cur is each worker's own gauge in Redis, summed once`, async () => {
    const redis = await startRedis();
    const sock = join(mkdtempSync(join(tmpdir(), "tsproxy-w2-")), "s.sock");
    const proxy = await startProxy(rt, config(redis.port, sock, 1_000_000, true, "connection"));
    const held: net.Socket[] = [];
    try {
      await sleep(300);
      const hash = () => redisHash(redis.port, "w2:per_ip:127.0.0.1");
      // new connections until both workers hold some (the kernel picks the worker)
      for (
        let i = 0;
        i < 40 && (held.length < 8 || perInstance(hash(), "g:conn_cur:").size < 2);
        i++
      ) {
        held.push(await heldConnection(proxy.ports[0]!));
        if (held.length >= 8) await sleep(SYNC * 2);
      }
      await sleep(SYNC * 4);
      const gauges = perInstance(hash(), "g:conn_cur:");
      console.log(
        `${rt} workers: ${held.length} held connections, conn_cur per worker in Redis: ${
          [...gauges.values()].join(" + ")
        }`,
      );
      assert.equal(gauges.size, 2, "each worker writes its own gauge");
      assert.equal([...gauges.values()].reduce((a, b) => a + b), held.length);
      await everyWorkerShows(sock, "conn_cur", held.length);
      for (const s of held.splice(0)) s.destroy();
      await sleep(SYNC * 5);
      assert.equal(perInstance(hash(), "g:conn_cur:").size, 0, "gauges at 0 are deleted");
      await everyWorkerShows(sock, "conn_cur", 0);
    } finally {
      for (const s of held) s.destroy();
      await proxy.stop();
      redis.proc.kill("SIGKILL");
    }
  });
}

/** srv_admin_state of `app/NAME` in `show servers state app` through the master: one value when every worker answered the same, else each worker's. */
async function adminStates(sock: string, name: string): Promise<number[]> {
  const text = await statsCommand(sock, "show servers state app");
  return text.split("\n").map((l) => l.trim().split(/\s+/)).filter((f) => f[3] === name).map((f) =>
    Number(f[6])
  );
}

async function workerPids(sock: string): Promise<number[]> {
  const text = await statsCommand(sock, "show proc");
  return text.split("\n").filter((l) => /\sworker\s.*\syes\s*$/.test(l)).map((l) =>
    Number(l.trim().split(/\s+/)[0])
  );
}

for (const rt of RUNTIMES.filter((r) => r !== "deno")) {
  test(`${rt}: workers: 2, shared.serverState: MAINT set through the master stays on a worker restarted after kill -9`, async () => {
    const redis = await startRedis();
    const sock = join(mkdtempSync(join(tmpdir(), "tsproxy-w2-")), "s.sock");
    const proxy = await startProxy(
      rt,
      `
global: { workers: 2, log: none, hardStopAfter: 1s, statsSocket: { path: "${sock}", level: admin } }
shared: { redis: "redis://127.0.0.1:${redis.port}/0", prefix: "w2:", syncInterval: ${SYNC}ms, serverState: true }
frontends:
  web: { bind: ["127.0.0.1:0"], mode: http, defaultBackend: app }
backends:
  app:
    mode: http
    servers: [{ name: s1, address: "127.0.0.1:9" }, { name: s2, address: "127.0.0.1:9" }]
`,
    );
    try {
      await sleep(300);
      assert.equal(await statsCommand(sock, "set server app/s1 state maint"), "\n");
      assert.ok((await adminStates(sock, "s1")).every((s) => s === 1), "MAINT (1) on both workers");
      await sleep(SYNC * 3);
      assert.match(redisHash(redis.port, "w2:servers").get("app/s1") ?? "", /^maint:1:/);
      const [victim] = await workerPids(sock);
      process.kill(victim!, "SIGKILL");
      const t0 = Date.now();
      let pids: number[] = [];
      while (Date.now() - t0 < 5000) {
        pids = await workerPids(sock);
        if (pids.length === 2 && !pids.includes(victim!)) break;
        await sleep(50);
      }
      assert.equal(pids.length, 2, "a new worker serves");
      let states: number[] = [];
      while (Date.now() - t0 < 5000) {
        states = await adminStates(sock, "s1");
        if (states.length > 0 && states.every((s) => s === 1)) break;
        await sleep(SYNC / 2);
      }
      console.log(
        `${rt}: the new worker took MAINT from Redis ${Date.now() - t0} ms after kill -9`,
      );
      assert.ok(
        states.length > 0 && states.every((s) => s === 1),
        `the new worker took the published MAINT over its config: ${states}`,
      );
      assert.ok((await adminStates(sock, "s2")).every((s) => s === 0));
    } finally {
      await proxy.stop();
      redis.proc.kill("SIGKILL");
    }
  });
}
