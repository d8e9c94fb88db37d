/** Debian's redis-server for the shared-table tests: started on a free port below 32768, read with redis-cli, requests paced on a fixed schedule. */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import http from "node:http";
import { connect, sleep } from "./net.ts";

export interface Redis {
  readonly port: number;
  readonly proc: ChildProcess;
}

/** redis-server on `port` (a free one below 32768 when 0), no persistence, loopback only. */
export async function startRedis(port = 0): Promise<Redis> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const p = port || 20000 + Math.floor(Math.random() * 10000);
    const proc = spawn("redis-server", [
      ...["--port", String(p), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    ], { stdio: "ignore" });
    for (let i = 0; i < 60; i++) {
      await sleep(50);
      if (proc.exitCode !== null) break;
      try {
        (await connect(p)).destroy();
        return { port: p, proc };
      } catch { /* not up yet */ }
    }
    proc.kill("SIGKILL");
  }
  throw new Error("could not start redis-server");
}

/** One redis-cli command's output (asserts it succeeded). */
export function redisCli(port: number, ...args: string[]): string {
  const r = spawnSync("redis-cli", ["-p", String(port), ...args], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** A hash as field → value (HGETALL through redis-cli). */
export function redisHash(port: number, key: string): Map<string, string> {
  const flat = redisCli(port, "hgetall", key).trim().split("\n");
  const out = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) out.set(flat[i]!, flat[i + 1]!);
  return out;
}

/** One GET on a new connection from 127.0.0.1: its status (0: the request failed). */
export function get(port: number, path = "/"): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: "127.0.0.1", port, path, agent: false, timeout: 5000 },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(0));
    req.end();
  });
}

/** What a paced run sent: each request's status and send date (ms), in order, and the rate reached. */
export interface Paced {
  statuses: number[];
  sentAt: number[];
  /** Requests per second over the run, from the first send to the last. */
  rate: number;
}

/**
 * `n` GETs, the i-th sent at `i * 1000 / perSecond` ms from the start whether or not the one
 * before has answered (a client at a fixed rate), to `portOf(i)`.
 */
export async function paced(
  n: number,
  perSecond: number,
  portOf: (i: number) => number,
): Promise<Paced> {
  const t0 = Date.now(), every = 1000 / perSecond;
  const sentAt: number[] = [], pending: Promise<number>[] = [];
  for (let i = 0; i < n; i++) {
    const wait = t0 + i * every - Date.now();
    if (wait > 0) await sleep(wait);
    sentAt.push(Date.now());
    pending.push(get(portOf(i)));
  }
  const statuses = await Promise.all(pending);
  const span = sentAt[n - 1]! - sentAt[0]!;
  return { statuses, sentAt, rate: span > 0 ? ((n - 1) * 1000) / span : 0 };
}

/** What a paced run says about a limit of `limit`: how many passed, when the first refusal came. */
export interface Overshoot {
  /** 1-based index of the first 429 (0: none). */
  first: number;
  /** Requests allowed in all. */
  allowed: number;
  /** 1-based index of the last request allowed (0: none). */
  last: number;
  /** Requests allowed beyond the limit. */
  over: number;
  /** ms from the send of request `limit + 1` (the combined count passed the limit) to the first 429's. */
  firstDeniedMs: number;
  /** ms from then to the send of the last request allowed (0: none after it). */
  lastAllowedMs: number;
}

export function overshoot(p: Paced, limit: number): Overshoot {
  const i = p.statuses.indexOf(429);
  const allowed = p.statuses.filter((s) => s === 200).length;
  const last = p.statuses.lastIndexOf(200);
  const passed = p.sentAt[limit];
  return {
    first: i + 1,
    allowed,
    last: last + 1,
    over: Math.max(0, allowed - limit),
    firstDeniedMs: i < 0 || passed === undefined ? NaN : p.sentAt[i]! - passed,
    lastAllowedMs: passed === undefined ? NaN : Math.max(0, (p.sentAt[last] ?? 0) - passed),
  };
}

/** One line saying how a limit held: allowed, overshoot, when denials began and allowing ended. */
export function describeOvershoot(o: Overshoot, limit: number, syncMs: number): string {
  return `${o.allowed} allowed (limit ${limit}, over by ${o.over}); first 429 at request ${o.first}, ` +
    `${o.firstDeniedMs} ms after request ${limit + 1}; last allowed: request ${o.last}, ` +
    `${o.lastAllowedMs} ms after it (sync interval ${syncMs} ms)`;
}
