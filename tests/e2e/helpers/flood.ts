/** The flood schedule of issue 14: 20 steady clients (50 req/s each) and one abuser process; their p99 quiet and under the flood. */
import { spawn } from "node:child_process";
import net from "node:net";
import { join, resolve } from "node:path";
import { sleep } from "./net.ts";

export const PHASE_MS = 5000;
export const CLIENTS: string[] = Array.from({ length: 20 }, (_, i) => `127.0.0.${10 + i}`);

/** One well-behaved client: a keep-alive connection from `src`, a GET every 20 ms; latencies in ms and statuses. */
async function steady(port: number, src: string, ms: number) {
  const latencies: number[] = [], statuses: number[] = [];
  const sock = net.connect({ host: "127.0.0.1", port, localAddress: src });
  sock.setNoDelay(true);
  await new Promise<void>((r, j) => sock.once("connect", r).once("error", j));
  let pending: ((s: number) => void) | null = null;
  let buf = "";
  sock.on("data", (d: Buffer) => {
    buf += d.toString("latin1");
    const headEnd = buf.indexOf("\r\n\r\n");
    if (headEnd < 0) return;
    const len = Number(/\r\ncontent-length:\s*(\d+)/i.exec(buf.slice(0, headEnd))?.[1] ?? 0);
    if (buf.length < headEnd + 4 + len) return;
    const status = Number(buf.slice(9, 12));
    buf = buf.slice(headEnd + 4 + len);
    pending?.(status);
  });
  const start = performance.now();
  for (let i = 0; performance.now() - start < ms; i++) {
    const t0 = performance.now();
    const status = await new Promise<number>((r, j) => {
      const timer = setTimeout(() => j(new Error(`${src}: no answer in 5 s`)), 5000);
      pending = (s) => {
        clearTimeout(timer);
        r(s);
      };
      sock.write(`GET /steady HTTP/1.1\r\nHost: steady\r\n\r\n`);
    });
    latencies.push(performance.now() - t0);
    statuses.push(status);
    const wait = start + (i + 1) * 20 - performance.now();
    if (wait > 0) await sleep(wait);
  }
  sock.destroy();
  return { latencies, statuses };
}

export function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!;
}

export interface Phase {
  latencies: number[];
  statuses: number[];
}

/** All 20 clients for one phase: every latency and status together. */
export async function phase(port: number): Promise<Phase> {
  const all = await Promise.all(CLIENTS.map((src) => steady(port, src, PHASE_MS)));
  return { latencies: all.flatMap((r) => r.latencies), statuses: all.flatMap((r) => r.statuses) };
}

/** The abuser as its own process (bun), optionally under `nice`: its counts once it is done. */
export function flood(port: number, nice = 0): Promise<Record<string, number>> {
  const script = join(resolve(import.meta.dirname ?? "."), "flood_client.ts");
  const bun = join(resolve(import.meta.dirname ?? ".", "../../.."), "node_modules/.bin/bun");
  const argv = [script, String(port), "127.0.0.9", String(PHASE_MS), "16", "10000"];
  const p = nice
    ? spawn("nice", ["-n", String(nice), bun, ...argv], { stdio: ["ignore", "pipe", "pipe"] })
    : spawn(bun, argv, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  p.stdout.on("data", (d: Buffer) => (out += d.toString()));
  p.stderr.on("data", (d: Buffer) => (out += d.toString()));
  return new Promise((res, rej) => {
    const t = setTimeout(() => p.kill("SIGKILL"), PHASE_MS + 15_000);
    p.on("exit", () => {
      clearTimeout(t);
      try {
        res(JSON.parse(out.trim().split("\n").at(-1)!));
      } catch {
        rej(new Error(`flood client: ${out}`));
      }
    });
  });
}

export interface FloodResult {
  quiet: Phase;
  loud: Phase;
  abuser: Record<string, number>;
  /** p99 in ms, quiet and under the flood. */
  q: number;
  l: number;
  /** The abuser's request rate (sent per second). */
  rate: number;
}

/** A warm-up, the quiet phase, then the flood phase against `port`; one line printed. */
export async function measureFlood(name: string, port: number, nice = 0): Promise<FloodResult> {
  await phase(port).catch(() => {}); // warm-up (JIT, connections), not measured
  const quiet = await phase(port);
  const [loud, abuser] = await Promise.all([phase(port), flood(port, nice)]);
  const q = p99(quiet.latencies), l = p99(loud.latencies);
  const rate = Math.round((abuser.sent! / abuser.ms!) * 1000);
  console.log(
    `flood ${name}: quiet p99 ${q.toFixed(2)} ms (${quiet.latencies.length} req), flood p99 ` +
      `${l.toFixed(2)} ms (${loud.latencies.length} req, +${((l / q - 1) * 100).toFixed(0)}%); ` +
      `abuser ${rate} req/s: ${JSON.stringify(abuser)}`,
  );
  return { quiet, loud, abuser, q, l, rate };
}

/** The stick-table config both proxies run: track-sc0 src, 429 over 100 req/s. */
export function haproxyFloodConfig(port: number, origin: number): string {
  return `
global
    nbthread 1
defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s
frontend fe
    bind 127.0.0.1:${port}
    stick-table type ip size 1m expire 30s store http_req_rate(1s)
    http-request track-sc0 src
    http-request deny deny_status 429 if { sc_http_req_rate(0) gt 100 }
    default_backend be
backend be
    server origin 127.0.0.1:${origin}
`;
}

export function tsproxyFloodConfig(origin: number): string {
  return `
global: { log: none, hardStopAfter: 1s }
defaults:
  mode: http
  timeout: { connect: 2s, client: 10s, server: 10s }
frontends:
  fe:
    bind: ["127.0.0.1:0"]
    defaultBackend: be
    stickTable: { type: ip, size: 1m, expire: 30s, store: ["http_req_rate(1s)"] }
    httpRequest:
      - track-sc0 src
      - deny deny_status 429 if { sc_http_req_rate(0) gt 100 }
backends:
  be:
    servers: [{ name: origin, address: "127.0.0.1:${origin}" }]
`;
}
