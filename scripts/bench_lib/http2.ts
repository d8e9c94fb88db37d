// HTTP suite's HTTP/2 rows: h2load over TLS (ALPN h2) and h2c, HAProxy `alpn h2,http/1.1` / `proto h2` beside tsproxy.
import { TMP, TREE } from "./options.ts";
import { makeCert } from "./http_tls.ts";
import { load } from "./proc.ts";
import { fmt, type Path, type Workload } from "./suite.ts";

export const H2_PATH_IDS = ["haproxy-h2", "bun-h2", "deno-h2"];

/** What the HTTP suite shares with these rows. */
export interface H2Context {
  duration: number;
  /** Seconds of unmeasured load before each run. */
  warmup: number;
  /** Writes a config file into $BENCH_TMP; returns its path. */
  cfg: (name: string, text: string) => string;
  /** argv of the origin (HTTP/1.1 nginx). */
  origin: string[];
  originPort: number;
  ports: { tsproxy: number; haproxy: number };
  noCli: { missing?: string };
  /** The origin's small response and its body length. */
  small: { url: string; body: number };
}

/** What h2load printed: req/s, requests done and failed, 2xx, mean time per request (µs). */
export function parseH2load(out: string) {
  const rps = Number(out.match(/finished in [\d.]+\w*, ([\d.]+) req\/s/)?.[1] ?? 0);
  const done = Number(out.match(/requests: \d+ total, \d+ started, (\d+) done/)?.[1] ?? 0);
  const failed = Number(out.match(/(\d+) failed/)?.[1] ?? 0);
  const errored = Number(out.match(/(\d+) errored/)?.[1] ?? 0);
  const ok = Number(out.match(/status codes: (\d+) 2xx/)?.[1] ?? 0);
  const m = out.match(
    /time for request:\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)/,
  );
  const us = (v: string, u: string) => Number(v) * (u === "s" ? 1e6 : u === "ms" ? 1e3 : 1);
  return { rps, done, failed, errored, ok, meanUs: m ? us(m[5]!, m[6]!) : 0 };
}

/**
 * The HTTP/2 paths (each listens with TLS on its port and h2c on the next) and two workloads: h2load
 * with 64 connections × 10 streams over TLS and over h2c, small responses from the HTTP/1.1 origin.
 */
export function h2Rows(c: H2Context): { paths: Path[]; workloads: Workload[] } {
  const cert = makeCert(`${TMP}/h2`);
  const noCert = cert.missing ? { missing: cert.missing } : {};
  const pem = cert.pem;
  const tsproxyCfg = c.cfg(
    "http-tsproxy-h2.yaml",
    `global: { log: none }
defaults: { mode: http, timeout: { connect: 5s, client: 30s, server: 30s } }
frontends:
  web:
    bind:
      - address: "127.0.0.1:${c.ports.tsproxy}"
        tls: { certificates: [${JSON.stringify(pem)}], alpn: [h2, http/1.1] }
      - "127.0.0.1:${c.ports.tsproxy + 1}"
    defaultBackend: origin
backends:
  origin:
    servers:
      - { name: o1, address: "127.0.0.1:${c.originPort}" }
`,
  );
  const haproxyCfg = c.cfg(
    "http-haproxy-h2.cfg",
    `global
  nbthread 1
defaults
  mode http
  http-reuse safe
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend web
  bind 127.0.0.1:${c.ports.haproxy} ssl crt ${pem} alpn h2,http/1.1
  bind 127.0.0.1:${c.ports.haproxy + 1} proto h2
  default_backend origin
backend origin
  server o1 127.0.0.1:${c.originPort}
`,
  );
  const paths: Path[] = [
    {
      id: "haproxy-h2",
      label: "HAProxy, alpn h2 / proto h2",
      port: c.ports.haproxy,
      argv: ["haproxy", "-db", "-f", haproxyCfg],
      ...noCert,
    },
    {
      id: "bun-h2",
      label: "tsproxy (Bun), ALPN h2 / h2c",
      port: c.ports.tsproxy,
      argv: ["bun", "cli.ts", "run", "-c", tsproxyCfg],
      cwd: TREE,
      ...noCert,
      ...c.noCli,
    },
    {
      id: "deno-h2",
      label: "tsproxy (Deno), ALPN h2 / h2c",
      port: c.ports.tsproxy,
      argv: ["deno", "run", "--allow-net", "--allow-read", "--allow-write", "--allow-env"]
        .concat(["--allow-sys", "cli.ts", "run", "-c", tsproxyCfg]),
      cwd: TREE,
      ...noCert,
      ...c.noCli,
    },
  ];
  const specs = [
    { id: "h2-tls-c64m10", name: "HTTP/2 TLS, small, 64 conns x 10 streams", tls: true },
    { id: "h2c-c64m10", name: "HTTP/2 h2c, small, 64 conns x 10 streams", tls: false },
  ];
  const url = (spec: (typeof specs)[number], port: number) =>
    spec.tls
      ? `https://127.0.0.1:${port}${c.small.url}`
      : `http://127.0.0.1:${port + 1}${c.small.url}`;
  const h2load = (spec: (typeof specs)[number], port: number, seconds: number) =>
    load(["h2load", "-t1", "-c64", "-m10", "-D", String(seconds), url(spec, port)], seconds + 60);
  const workloads: Workload[] = specs.map((spec) => ({
    id: spec.id,
    origin: c.origin,
    cpuRow: `${spec.name}: proxy CPU per request`,
    cpuUnit: "µs/req",
    cpuScale: 1e6,
    runsOn: (id) => H2_PATH_IDS.includes(id),
    async warmup(port) {
      await h2load(spec, port, c.warmup);
    },
    async measure(port) {
      const out = await h2load(spec, port, c.duration);
      const r = parseH2load(out);
      if (r.done === 0) throw new Error(`h2load: no request completed:\n${out.trim()}`);
      const warnings: string[] = [];
      if (r.failed || r.errored) warnings.push(`h2load: ${r.failed} failed, ${r.errored} errored`);
      if (r.ok < r.done) warnings.push(`h2load: ${r.done - r.ok} responses not 2xx`);
      if (warnings.length) warnings[0] += ` (of ${r.done} requests, ${fmt(r.rps, "req/s")})`;
      return {
        samples: [
          { row: `${spec.name}: req/s`, unit: "req/s", value: r.rps },
          { row: `${spec.name}: mean latency`, unit: "µs", value: r.meanUs },
        ],
        work: r.done,
        warnings,
      };
    },
  }));
  return { paths, workloads };
}
