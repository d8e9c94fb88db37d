// HTTP-mode suite: wrk against an nginx origin through HAProxy, tsproxy, nginx, a naive Bun proxy, direct.
import {
  BASE_TREE,
  baseRev,
  exists,
  GEN_CPU,
  type Options,
  PROXY_CPU,
  ROOT,
  TMP,
  TREE,
} from "./options.ts";
import { wrk } from "./proc.ts";
import { fmt, type Path, type Suite, type Workload } from "./suite.ts";
import { COMPRESSION_PATH_IDS, compressionRows, pageLocation } from "./http_compression.ts";
import { TLS_PATH_IDS, tlsRows } from "./http_tls.ts";
import { H2_PATH_IDS, h2Rows } from "./http2.ts";
import { scraper, STATS_FRONTEND } from "./http_stats.ts";
import { freeRedisPort, redisOps, redisSidecar, sharedSection } from "./http_shared.ts";

const ORIGIN_PORT = 21020;
const TSPROXY_PORT = 21021;
const NGINX_PORT = 21022;
const NAIVE_PORT = 21023;
const TSPROXY_BASE_PORT = 21024; // tsproxy at --base REV
const HAPROXY_PORT = 21030;
/** tsproxy at the --base revision: the bun and deno paths' config, on its own port. */
export const BASE_PATH_IDS = ["bun-base", "deno-base"];
export const HTTP_PATH_IDS = [
  "direct",
  "haproxy",
  "bun",
  "bun-stats",
  "bun-rules",
  "bun-stick",
  "bun-shared",
  "bun-nolog",
  "bun-workers",
  "deno",
  "deno-listen",
  "binary",
  "nginx",
  "bun-naive",
  ...BASE_PATH_IDS,
  ...COMPRESSION_PATH_IDS,
  ...TLS_PATH_IDS,
  ...H2_PATH_IDS,
];
const SMALL_BODY = "hello world\n";

/** What `wrk --latency` printed, in base units. */
interface Wrk {
  rps: number;
  p99us: number;
  requests: number;
  bytes: number;
  socketErrors: string | undefined;
  non2xx: number;
}

const SIZE: Record<string, number> = { B: 1, KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30, TB: 2 ** 40 };
const TIME: Record<string, number> = { us: 1, ms: 1e3, s: 1e6, m: 60e6, h: 3600e6 };

export function parseWrk(out: string): Wrk {
  const rps = out.match(/^Requests\/sec:\s+([\d.]+)/m);
  const p99 = out.match(/^\s+99%\s+([\d.]+)(us|ms|s|m|h)\s*$/m);
  const total = out.match(/^\s+(\d+) requests in [\d.]+\w+, ([\d.]+)([KMGT]?B) read/m);
  if (!rps || !p99 || !total) throw new Error(`wrk: unexpected output:\n${out.trim()}`);
  const errors = out.match(/^\s+Socket errors: (.*)$/m)?.[1];
  return {
    rps: Number(rps[1]),
    p99us: Number(p99[1]) * TIME[p99[2]!]!,
    requests: Number(total[1]),
    bytes: Number(total[2]) * SIZE[total[3]!]!,
    socketErrors: errors && /[1-9]/.test(errors) ? errors : undefined,
    non2xx: Number(out.match(/^\s+Non-2xx or 3xx responses: (\d+)/m)?.[1] ?? 0),
  };
}

export function httpSuite(opts: Options): Suite {
  const duration = opts.quick ? 3 : 10;
  /** Seconds of the same load before each measured run (not counted): the JITs settle. */
  const warmupSecs = opts.quick ? 1 : 5;
  const uid = Deno.uid();
  const nginxUser = uid === 0 ? "user root root;\n" : ""; // workers read the 64 KiB file in $TMP (0700)
  const cfg = (name: string, text: string) => {
    Deno.writeTextFileSync(`${TMP}/${name}`, text);
    return `${TMP}/${name}`;
  };
  for (const d of ["nginx-origin/www", "nginx-proxy"]) {
    Deno.mkdirSync(`${TMP}/${d}`, { recursive: true });
  }
  const big = new Uint8Array(65536);
  for (let i = 0; i < big.length; i++) big[i] = 97 + (i % 26);
  Deno.writeFileSync(`${TMP}/nginx-origin/www/64k`, big);

  // The origin: nginx, one worker, no access log, keep-alive connections never retired.
  const originConf = cfg(
    "http-origin.conf",
    `${nginxUser}daemon off;
worker_processes 1;
error_log stderr warn;
pid ${TMP}/nginx-origin/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  default_type text/plain;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${ORIGIN_PORT} backlog=4096;
    location = /small { return 200 ${JSON.stringify(SMALL_BODY)}; }
    location = /64k { root ${TMP}/nginx-origin/www; }
    ${pageLocation()}
  }
}
`,
  );
  const log = {
    tsproxy: `${TMP}/access-tsproxy.log`,
    tsproxyBase: `${TMP}/access-tsproxy-base.log`,
    haproxy: `${TMP}/access-haproxy.log`,
    nginx: `${TMP}/access-nginx.log`,
  };
  const tsproxyYaml = (logTo: string, port = TSPROXY_PORT) =>
    `global: { log: ${logTo} }
defaults: { mode: http, timeout: { connect: 5s, client: 30s, server: 30s } }
frontends:
  web: { bind: ["127.0.0.1:${port}"], defaultBackend: origin }
backends:
  origin:
    servers:
      - { name: o1, address: "127.0.0.1:${ORIGIN_PORT}" }
`;
  const tsproxyCfg = cfg("http-tsproxy.yaml", tsproxyYaml(log.tsproxy));
  // The same proxy with 20 ACLs and 10 rules that all run on every request and never match
  // (so the response is the same): the cost of rule evaluation (issue: under 10% of req/s).
  const rules = `    acl:
${RULE_ACLS.map((a) => `      - ${JSON.stringify(a)}`).join("\n")}
    httpRequest:
${RULE_LINES.map((r) => `      - ${JSON.stringify(r)}`).join("\n")}
    useBackend: ["origin if is_api is_admin"]
`;
  const tsproxyRulesCfg = cfg(
    "http-tsproxy-rules.yaml",
    tsproxyYaml(log.tsproxy).replace(
      `  web: { bind: ["127.0.0.1:${TSPROXY_PORT}"], defaultBackend: origin }\n`,
      `  web:\n    bind: ["127.0.0.1:${TSPROXY_PORT}"]\n    defaultBackend: origin\n${rules}`,
    ),
  );
  // The same proxy with the stats page and the Prometheus exporter on the frontend; a scraper GETs
  // /metrics and /stats;csv once a second while it is measured (issue 13: under 2% of req/s).
  const tsproxyStatsCfg = cfg(
    "http-tsproxy-stats.yaml",
    tsproxyYaml(log.tsproxy).replace(
      `  web: { bind: ["127.0.0.1:${TSPROXY_PORT}"], defaultBackend: origin }\n`,
      `  web:\n    bind: ["127.0.0.1:${TSPROXY_PORT}"]\n    defaultBackend: origin\n${STATS_FRONTEND}`,
    ),
  );
  // The same proxy tracking every client in a stick table with one rate rule that never denies
  // (issue 14: under 5% of req/s): the cost of track-sc0 src and sc_http_req_rate per request.
  const tsproxyStickCfg = cfg(
    "http-tsproxy-stick.yaml",
    tsproxyYaml(log.tsproxy).replace(
      `  web: { bind: ["127.0.0.1:${TSPROXY_PORT}"], defaultBackend: origin }\n`,
      `  web:\n    bind: ["127.0.0.1:${TSPROXY_PORT}"]\n    defaultBackend: origin\n` +
        `    stickTable: { type: ip, size: 1m, expire: 30s, store: ["http_req_rate(10s)"] }\n` +
        `    httpRequest:\n      - track-sc0 src\n` +
        `      - deny deny_status 429 if { sc_http_req_rate(0) gt 1000000 }\n`,
    ),
  );
  // The same table shared through a redis-server on this host (issue 17: under 5% of req/s against
  // bun-stick); the port is chosen only when the path runs.
  const sharedRuns = !opts.paths || opts.paths.includes("bun-shared");
  const redisPort = sharedRuns ? freeRedisPort() : 0;
  const tsproxySharedCfg = cfg(
    "http-tsproxy-shared.yaml",
    sharedSection(redisPort) +
      Deno.readTextFileSync(tsproxyStickCfg).replace(
        `store: ["http_req_rate(10s)"] }`,
        `store: ["http_req_rate(10s)"], shared: true }`,
      ),
  );
  const tsproxyNoLogCfg = cfg("http-tsproxy-nolog.yaml", tsproxyYaml("none"));
  // global.workers: 2 (issue 15), the master and its workers left on both cores
  const tsproxyWorkersCfg = cfg(
    "http-tsproxy-workers.yaml",
    tsproxyYaml(log.tsproxy).replace(/^global: \{ /, "global: { workers: 2, "),
  );
  const tsproxyBaseCfg = cfg(
    "http-tsproxy-base.yaml",
    tsproxyYaml(log.tsproxyBase, TSPROXY_BASE_PORT),
  );
  // HAProxy's access log: httplog lines on stdout, which the harness sends to a file.
  const haproxyCfg = cfg(
    "http-haproxy.cfg",
    `global
  nbthread 1
  log stdout format raw local0
defaults
  mode http
  log global
  option httplog
  http-reuse safe
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend web
  bind 127.0.0.1:${HAPROXY_PORT}
  default_backend origin
backend origin
  server o1 127.0.0.1:${ORIGIN_PORT}
`,
  );
  // nginx as a reverse proxy: upstream keepalive, combined access log to a file, no temp files.
  const nginxCfg = cfg(
    "http-nginx-proxy.conf",
    `${nginxUser}daemon off;
worker_processes 1;
error_log stderr warn;
pid ${TMP}/nginx-proxy/nginx.pid;
events { worker_connections 4096; }
http {
  access_log ${log.nginx};
  keepalive_requests 1000000;
  upstream up {
    server 127.0.0.1:${ORIGIN_PORT};
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${NGINX_PORT} backlog=4096;
    location / {
      proxy_pass http://up;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_max_temp_file_size 0;
    }
  }
}
`,
  );
  const naive = cfg(
    "naive-proxy.ts",
    `// Naive reverse proxy: Bun.serve + fetch, no logging.
Bun.serve({
  hostname: "127.0.0.1",
  port: ${NAIVE_PORT},
  fetch(req) {
    const u = new URL(req.url);
    return fetch("http://127.0.0.1:${ORIGIN_PORT}" + u.pathname + u.search, {
      method: req.method,
      headers: req.headers,
      body: req.body,
    });
  },
});
console.log("listening on 127.0.0.1:${NAIVE_PORT}");
`,
  );

  const noCli = exists(`${ROOT}/cli.ts`) ? {} : { missing: "cli.ts not found" };
  const denoRun = ["deno", "run", "--allow-net", "--allow-read", "--allow-write", "--allow-env"]
    .concat(["--allow-sys", "cli.ts", "run", "-c"]);
  const base = baseRev ? {} : { missing: "needs --base REV" };
  const baseLabel = baseRev ? `base ${baseRev.short}` : "base";
  const nginx = (
    prefix: string,
    conf: string,
  ) => ["nginx", "-e", "stderr", "-p", prefix, "-c", conf];
  const allPaths: Path[] = [
    { id: "direct", label: "direct", port: ORIGIN_PORT },
    {
      id: "haproxy",
      label: "HAProxy",
      port: HAPROXY_PORT,
      argv: ["haproxy", "-db", "-f", haproxyCfg],
      stdout: log.haproxy,
      accessLog: log.haproxy,
    },
    {
      id: "bun",
      label: "tsproxy (Bun)",
      port: TSPROXY_PORT,
      argv: ["bun", "cli.ts", "run", "-c", tsproxyCfg],
      cwd: TREE,
      accessLog: log.tsproxy,
      ...noCli,
    },
    // right after bun, so that within a round the two run back to back
    {
      id: "bun-base",
      label: `tsproxy (Bun, ${baseLabel})`,
      port: TSPROXY_BASE_PORT,
      argv: ["bun", "cli.ts", "run", "-c", tsproxyBaseCfg],
      cwd: BASE_TREE,
      accessLog: log.tsproxyBase,
      ...base,
    },
    {
      id: "bun-stats",
      label: "tsproxy (Bun, stats + /metrics scraped 1/s)",
      port: TSPROXY_PORT,
      argv: ["bun", "cli.ts", "run", "-c", tsproxyStatsCfg],
      cwd: TREE,
      accessLog: log.tsproxy,
      during: scraper,
      ...noCli,
    },
    {
      id: "bun-rules",
      label: "tsproxy (Bun, 20 ACLs + 10 rules)",
      port: TSPROXY_PORT,
      argv: ["bun", "cli.ts", "run", "-c", tsproxyRulesCfg],
      cwd: TREE,
      accessLog: log.tsproxy,
      ...noCli,
    },
    {
      id: "bun-stick",
      label: "tsproxy (Bun, track-sc0 src + one rate rule)",
      port: TSPROXY_PORT,
      argv: ["bun", "cli.ts", "run", "-c", tsproxyStickCfg],
      cwd: TREE,
      accessLog: log.tsproxy,
      ...noCli,
    },
    {
      id: "bun-shared",
      label: "tsproxy (Bun, the same table shared through Redis)",
      port: TSPROXY_PORT,
      argv: ["bun", "cli.ts", "run", "-c", tsproxySharedCfg],
      cwd: TREE,
      accessLog: log.tsproxy,
      sidecar: redisSidecar(redisPort),
      during: redisOps(redisPort),
      // serving before Redis answers would measure a table that is not shared yet
      ready: /shared tables: connected to/,
      ...noCli,
      ...(exists("/usr/bin/redis-server") ? {} : { missing: "redis-server not installed" }),
    },
    {
      id: "bun-nolog",
      label: "tsproxy (Bun, log: none)",
      port: TSPROXY_PORT,
      argv: ["bun", "cli.ts", "run", "-c", tsproxyNoLogCfg],
      cwd: TREE,
      ...noCli,
    },
    {
      // the workers share both cores with wrk and the origin (pinned to GEN_CPU): how the cores
      // are shared is the kernel's choice; compare with "bun", one process pinned to PROXY_CPU
      id: "bun-workers",
      label: "tsproxy (Bun, 2 workers, unpinned)",
      port: TSPROXY_PORT,
      argv: ["bun", "cli.ts", "run", "-c", tsproxyWorkersCfg],
      cwd: TREE,
      cpus: `${PROXY_CPU},${GEN_CPU}`,
      ready: /listening on .*2 workers/,
      accessLog: log.tsproxy,
      ...noCli,
    },
    {
      id: "deno",
      label: "tsproxy (Deno)",
      port: TSPROXY_PORT,
      argv: [...denoRun, tsproxyCfg],
      cwd: TREE,
      accessLog: log.tsproxy,
      ...noCli,
    },
    {
      // Deno's plain binds through Deno.listen instead of node:net (TSPROXY_NET_STACK=deno)
      id: "deno-listen",
      label: "tsproxy (Deno, Deno.listen)",
      port: TSPROXY_PORT,
      argv: ["env", "TSPROXY_NET_STACK=deno", ...denoRun, tsproxyCfg],
      cwd: TREE,
      accessLog: log.tsproxy,
      ...noCli,
    },
    {
      id: "deno-base",
      label: `tsproxy (Deno, ${baseLabel})`,
      port: TSPROXY_BASE_PORT,
      argv: [...denoRun, tsproxyBaseCfg],
      cwd: BASE_TREE,
      accessLog: log.tsproxyBase,
      ...base,
    },
    {
      id: "binary",
      label: "tsproxy (binary)",
      port: TSPROXY_PORT,
      argv: ["dist/tsproxy", "run", "-c", tsproxyCfg],
      accessLog: log.tsproxy,
      ...(exists(`${ROOT}/dist/tsproxy`) ? {} : { missing: "dist/tsproxy not built" }),
    },
    {
      id: "nginx",
      label: "nginx",
      port: NGINX_PORT,
      argv: nginx(`${TMP}/nginx-proxy`, nginxCfg),
      accessLog: log.nginx,
    },
    { id: "bun-naive", label: "Bun.serve+fetch", port: NAIVE_PORT, argv: ["bun", naive] },
  ];

  interface Spec {
    id: string;
    name: string;
    url: string;
    body: number;
    conns: number;
    close: boolean;
  }
  const specs: Spec[] = [
    { id: "small-c64", name: "small, keep-alive, 64 conns", url: "/small", conns: 64 },
    { id: "small-c256", name: "small, keep-alive, 256 conns", url: "/small", conns: 256 },
    { id: "64k-c64", name: "64 KiB, keep-alive, 64 conns", url: "/64k", conns: 64 },
    { id: "64k-c256", name: "64 KiB, keep-alive, 256 conns", url: "/64k", conns: 256 },
  ].map((s) => ({ ...s, body: s.url === "/64k" ? 65536 : SMALL_BODY.length, close: false }));
  specs.push({
    id: "close-c64",
    name: "small, connection per request, 64 conns",
    url: "/small",
    body: SMALL_BODY.length,
    conns: 64,
    close: true,
  });

  const wrkArgs = (spec: (typeof specs)[number], port: number) => [
    `-c${spec.conns}`,
    ...(spec.close ? ["-H", "Connection: close"] : []),
    `http://127.0.0.1:${port}${spec.url}`,
  ];
  const workloads: Workload[] = specs.map((spec) => ({
    id: spec.id,
    origin: nginx(`${TMP}/nginx-origin`, originConf),
    cpuRow: `${spec.name}: proxy CPU per request`,
    cpuUnit: "µs/req",
    cpuScale: 1e6,
    runsOn: (id: string) =>
      !COMPRESSION_PATH_IDS.includes(id) && !TLS_PATH_IDS.includes(id) &&
      !H2_PATH_IDS.includes(id),
    async warmup(port) {
      await wrk(wrkArgs(spec, port), warmupSecs);
    },
    async measure(port, secs = duration) {
      const out = await wrk(wrkArgs(spec, port), secs, true);
      const r = parseWrk(out);
      if (r.requests === 0) throw new Error(`wrk: no request completed:\n${out.trim()}`);
      const warnings: string[] = [];
      if (r.socketErrors) warnings.push(`wrk: Socket errors: ${r.socketErrors}`);
      if (r.non2xx) warnings.push(`wrk: Non-2xx or 3xx responses: ${r.non2xx}`);
      const perReq = r.bytes / r.requests;
      if (perReq < spec.body * 0.99) {
        warnings.push(
          `wrk read ${perReq.toFixed(0)} bytes per response, body is ${spec.body} bytes`,
        );
      }
      if (warnings.length) warnings[0] += ` (of ${r.requests} requests, ${fmt(r.rps, "req/s")})`;
      return {
        samples: [
          { row: `${spec.name}: req/s`, unit: "req/s", value: r.rps },
          { row: `${spec.name}: p99 latency`, unit: "µs", value: r.p99us },
        ],
        work: r.requests,
        warnings,
      };
    },
  }));

  // what the compression and TLS rows share with the rows above
  const shared = {
    duration,
    warmup: warmupSecs,
    cfg,
    nginxUser,
    origin: nginx(`${TMP}/nginx-origin`, originConf),
    originPort: ORIGIN_PORT,
    ports: { tsproxy: TSPROXY_PORT, haproxy: HAPROXY_PORT, nginx: NGINX_PORT },
    noCli,
    parseWrk,
  };
  const compression = compressionRows(shared);
  allPaths.push(...compression.paths);
  workloads.push(...compression.workloads);
  const tls = tlsRows({ ...shared, small: { url: "/small", body: SMALL_BODY.length } });
  allPaths.push(...tls.paths);
  workloads.push(...tls.workloads);
  const h2 = h2Rows({ ...shared, small: { url: "/small", body: SMALL_BODY.length } });
  allPaths.push(...h2.paths);
  workloads.push(...h2.workloads);
  // by default every path, but binary and the base ones only if they can run
  const paths = allPaths.filter((p) =>
    opts.paths
      ? opts.paths.includes(p.id)
      : !p.missing || (p.id !== "binary" && !BASE_PATH_IDS.includes(p.id))
  );
  return {
    mode: "http",
    title: "tsproxy HTTP-mode benchmark",
    originPort: ORIGIN_PORT,
    paths,
    workloads,
    tools: [
      ["nginx", ["nginx", "-v"], /nginx\/([\d.]+)/],
      ["wrk", ["wrk", "-v"], /wrk ([^\s]+)/],
      ["h2load", ["h2load", "--version"], /nghttp2\/([\d.]+)/],
    ],
    rssRows: "max",
    logRow: "access log lines written per request (lowest run)",
    summary: (best, rss, runs) => [
      ...aims(specs, paths, best, rss),
      ...PAIRS.flatMap((pair) => paired(pair, specs, paths, runs)),
    ],
  };
}

/**
 * The issue's aims, with logging on: tsproxy on Bun at least level with HAProxy in req/s, CPU per
 * request and p99 (the last two as HAProxy's figure over tsproxy's), on Deno at least 0.85 of it;
 * peak RSS under 64 MiB on Bun.
 */
function aims(
  specs: { name: string }[],
  paths: Path[],
  best: Map<string, Map<string, number>>,
  rss: Map<string, number>,
): string[] {
  const lines = [
    "Aims (logging on; every workload above; CPU and p99 as HAProxy's figure over tsproxy's):",
    "",
  ];
  const metrics = [
    { what: "req/s", row: "req/s", higher: true },
    { what: "CPU per request", row: "proxy CPU per request", higher: false },
    { what: "p99 latency", row: "p99 latency", higher: false },
  ];
  for (const [id, target] of [["bun", 1], ["deno", 0.85]] as const) {
    const path = paths.find((p) => p.id === id);
    if (!path || path.missing) continue;
    for (const m of metrics) {
      const ratios = specs.map((s) => {
        const row = best.get(`${s.name}: ${m.row}`);
        const [v, base] = [row?.get(id), row?.get("haproxy")];
        if (v === undefined || base === undefined) return undefined;
        return { name: s.name, r: m.higher ? v / base : base / v };
      }).filter((x) => x !== undefined);
      if (!ratios.length) continue;
      const met = ratios.filter((x) => x.r >= target).length;
      const worst = ratios.reduce((a, b) => (b.r < a.r ? b : a));
      lines.push(
        `- ${path.label}, ${m.what} ≥ ${target.toFixed(2)}× HAProxy: ${
          met === ratios.length ? "met" : "**not met**"
        } (reached in ${met} of ${ratios.length} workloads; lowest ${
          worst.r.toFixed(2)
        }×, ${worst.name})`,
      );
    }
  }
  const bunRss = rss.get("bun");
  if (bunRss !== undefined) {
    const ok = bunRss < 64 * 2 ** 20;
    lines.push(
      `- tsproxy (Bun), peak RSS < 64 MiB: ${ok ? "met" : "**not met**"} (${fmt(bunRss, "bytes")})`,
    );
  }
  return lines.length > 2 ? lines : [];
}

/**
 * Two paths compared in paired rounds: each round runs them back to back (same workload, fresh
 * proxies), so the ratio is taken per round and the median over rounds reported; background load
 * that moves whole runs by ±10-30% on this kind of machine cancels within a round. req/s as `test`
 * over `ref`, CPU per request as `ref` over `test`: above 1 means `test` does better in both.
 */
interface Pair {
  /** The reference path, the denominator of the req/s ratio. */
  ref: string;
  /** The path judged against it. */
  test: string;
  /** Heading of the section; `labels` gives the two paths' labels. */
  title: (labels: { ref: string; test: string }) => string;
  /** The aim: lowest per-workload median req/s ratio at least this. */
  aim: number;
  /** What the aim line says is reached, after the test path's label and before "met". */
  aimText: (labels: { ref: string; test: string }) => string;
}

const PAIRS: Pair[] = [
  // The rules aim: 20 ACLs and 10 rules lose under 10% of req/s against the same proxy without them.
  {
    ref: "bun",
    test: "bun-rules",
    title: () =>
      "Rules cost (median over rounds of the per-round ratio, tsproxy (Bun) with 20 ACLs + 10 " +
      "rules over the same without; CPU as the no-rules figure over the rules one):",
    aim: 0.9,
    aimText: (l) => `${l.test}, req/s ≥ 0.90× ${l.ref} without rules`,
  },
  // The stats cost aim: the stats page and the exporter, scraped once a second, lose under 2%.
  {
    ref: "bun",
    test: "bun-stats",
    title: () =>
      "Stats cost (median over rounds of the per-round ratio, tsproxy (Bun) with the stats page " +
      "and the Prometheus exporter, /metrics and /stats;csv scraped once a second, over the same " +
      "without; CPU as the no-stats figure over the stats one):",
    aim: 0.98,
    aimText: (l) => `${l.test}, req/s ≥ 0.98× ${l.ref} without stats`,
  },
  // The stick cost aim: track-sc0 src and one sc_http_req_rate rule lose under 5% (issue 14).
  {
    ref: "bun",
    test: "bun-stick",
    title: () =>
      "Stick table cost (median over rounds of the per-round ratio, tsproxy (Bun) with " +
      "track-sc0 src and one sc_http_req_rate deny rule over the same without; CPU as the " +
      "no-stick figure over the stick one):",
    aim: 0.95,
    aimText: (l) => `${l.test}, req/s ≥ 0.95× ${l.ref} without stick tables`,
  },
  // The shared table aim: sharing through Redis on the same host loses under 5% (issue 17).
  {
    ref: "bun-stick",
    test: "bun-shared",
    title: () =>
      "Shared table cost (median over rounds of the per-round ratio, tsproxy (Bun) with the " +
      "stick table shared through Redis over the same table local; CPU as the local figure " +
      "over the shared one; Redis commands per run are listed under the table):",
    aim: 0.95,
    aimText: (l) => `${l.test}, req/s ≥ 0.95× ${l.ref}`,
  },
  // --base: the working tree "not slower" than the base revision, within 2% of its req/s.
  ...(["bun", "deno"] as const).map((id): Pair => ({
    ref: `${id}-base`,
    test: id,
    title: (l) =>
      `Working tree against base (median over rounds of the per-round ratio, ${l.test} from the ` +
      `working tree over ${l.ref}; CPU as the base's figure over the working tree's; above 1: ` +
      "the working tree is faster):",
    aim: 0.98,
    aimText: (l) => `${l.test} from the working tree, req/s ≥ 0.98× ${l.ref}`,
  })),
];

/** The report lines of one {@link Pair}, if both its paths ran. */
function paired(
  pair: Pair,
  specs: { name: string }[],
  paths: Path[],
  runs: Map<string, Map<string, number[]>>,
): string[] {
  const [ref, test] = [pair.ref, pair.test].map((id) => paths.find((p) => p.id === id));
  if (!ref || ref.missing || !test || test.missing) return [];
  const labels = { ref: ref.label, test: test.label };
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  };
  /** Per-round ratios of a row (their median, lowest, highest, count), or why there are none. */
  const ratio = (row: string, higher: boolean) => {
    const r = runs.get(row);
    const [a, b] = [r?.get(ref.id), r?.get(test.id)];
    if (!a?.length && !b?.length) return undefined;
    // a failed run stops that path's later rounds for the workload: index i is no longer round i
    if (!a || !b || a.length !== b.length) {
      return `n/a (${a?.length ?? 0} and ${b?.length ?? 0} runs)`;
    }
    const xs = a.map((x, i) => (higher ? b[i]! / x : x / b[i]!));
    return { median: median(xs), lo: Math.min(...xs), hi: Math.max(...xs), n: xs.length };
  };
  const show = (x: NonNullable<ReturnType<typeof ratio>>) =>
    typeof x === "string"
      ? x
      : `${x.median.toFixed(3)}×${
        x.n > 1 ? ` (rounds ${x.lo.toFixed(2)}-${x.hi.toFixed(2)})` : ""
      }`;
  const lines = ["", pair.title(labels), ""];
  let worst: { name: string; r: number } | undefined;
  let n = 0;
  let met = 0;
  let rounds = Infinity;
  for (const s of specs) {
    const rps = ratio(`${s.name}: req/s`, true);
    const cpu = ratio(`${s.name}: proxy CPU per request`, false);
    if (rps === undefined) continue;
    lines.push(`- ${s.name}: req/s ${show(rps)}${cpu === undefined ? "" : `, CPU ${show(cpu)}`}`);
    n++; // a workload without paired rounds counts as not met
    if (typeof rps === "string") continue;
    rounds = Math.min(rounds, rps.n);
    if (rps.median >= pair.aim) met++;
    if (!worst || rps.median < worst.r) worst = { name: s.name, r: rps.median };
  }
  if (!n) return [];
  lines.push(
    `- ${pair.aimText(labels)}: ${met === n ? "met" : "**not met**"} (in ${met} of ${n} ` +
      `workloads${
        worst ? `; lowest median ${worst.r.toFixed(3)}×, ${worst.name}; ${rounds} round(s)` : ""
      })`,
  );
  if (worst && rounds < 5) {
    lines.push(
      `- with ${rounds} round(s) this says little: single runs move ±10-30% on a shared ` +
        "machine; use --runs 5 or more",
    );
  }
  return lines;
}

/** 20 ACLs of the usual kinds (host, path, header, source, method, query), none matching the bench's requests. */
const RULE_ACLS = [
  "is_api path_beg /api/",
  "is_admin path_beg /admin",
  "is_static path_end .css .js .png .jpg .svg",
  "is_health path /healthz /readyz",
  "host_a hdr(host) -i a.example.com",
  "host_b hdr_dom(host) -i b.example.com",
  "host_c hdr_beg(host) -i static.",
  "bad_ua hdr_sub(user-agent) -i sqlmap nikto",
  "has_token req.hdr(authorization) -m found",
  "blocked src 192.0.2.0/24 198.51.100.0/24",
  "internal src 10.0.0.0/8 172.16.0.0/12",
  "is_post method POST",
  "is_put method PUT DELETE",
  "has_debug url_param(debug) -m found",
  "big_body req.hdr_val(content-length) gt 1048576",
  "is_ws hdr(upgrade) -i websocket",
  "lang_fr req.hdr(accept-language) -m beg fr",
  "is_img path_reg ^/img/[0-9]+$",
  "is_v1 path_dir v1",
  "has_cookie req.cook(session) -m found",
];

/** 10 http-request rules over those ACLs; none fires on the bench's GET /small. */
const RULE_LINES = [
  "deny if blocked",
  "deny deny_status 403 if bad_ua",
  "deny if is_admin !internal",
  "return status 200 content-type text/plain string ok if is_health",
  "redirect scheme https if host_a",
  "redirect prefix /v2 if is_v1",
  "set-header X-Api yes if is_api",
  "set-header X-Lang fr if lang_fr",
  "del-header X-Debug if has_debug",
  "deny deny_status 413 if big_body",
];
