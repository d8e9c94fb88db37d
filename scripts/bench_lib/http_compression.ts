// HTTP suite's compression rows: MiB/s of a 1 MiB HTML page compressed by HAProxy, nginx and tsproxy.
import { htmlLike } from "../../tests/unit/compress/html.ts";
import { exists, TMP, TREE } from "./options.ts";
import { wrk } from "./proc.ts";
import { fmt, type Path, type Workload } from "./suite.ts";

/** The page: HTML-like text (tests/unit/compress/html.ts), about 3:1 at gzip level 1. */
const PAGE_BYTES = 2 ** 20;
const BROTLI_MODULE = "/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so";

export const COMPRESSION_PATH_IDS = ["haproxy-comp", "nginx-comp", "bun-comp", "deno-comp"];

/** What the HTTP suite shares with these rows. */
export interface CompressionContext {
  duration: number;
  /** Seconds of unmeasured load before each run. */
  warmup: number;
  /** Writes a config file into $BENCH_TMP; returns its path. */
  cfg: (name: string, text: string) => string;
  nginxUser: string;
  /** argv of the nginx origin (its config includes {@link pageLocation}). */
  origin: string[];
  originPort: number;
  ports: { tsproxy: number; haproxy: number; nginx: number };
  noCli: { missing?: string };
  parseWrk: (out: string) => { rps: number; p99us: number; requests: number; bytes: number };
}

/** The origin's location for the page (nginx serves it with Content-Length and a strong ETag). */
export function pageLocation(): string {
  Deno.writeFileSync(`${TMP}/nginx-origin/www/1m.html`, htmlLike(PAGE_BYTES, 42));
  return `location = /1m.html { root ${TMP}/nginx-origin/www; types { text/html html; } }`;
}

/** The compressing paths and the two workloads (gzip level 1, br level 4) that run on them. */
export function compressionRows(c: CompressionContext): { paths: Path[]; workloads: Workload[] } {
  const brotli = exists(BROTLI_MODULE);
  const tsproxyCfg = c.cfg(
    "http-tsproxy-comp.yaml",
    `global: { log: none }
defaults: { mode: http, timeout: { connect: 5s, client: 30s, server: 30s } }
frontends:
  web:
    bind: ["127.0.0.1:${c.ports.tsproxy}"]
    defaultBackend: origin
    compression: { algo: [br, gzip], type: [text/html], level: { gzip: 1, br: 4 } }
backends:
  origin:
    servers:
      - { name: o1, address: "127.0.0.1:${c.originPort}" }
`,
  );
  // Debian's HAProxy 2.6 is built with libslz: its gzip is SLZ (stateless, about zlib level 1's
  // ratio at a fraction of the CPU); it has no brotli. tune.comp.maxlevel stays at its default, 1.
  const haproxyCfg = c.cfg(
    "http-haproxy-comp.cfg",
    `global
  nbthread 1
defaults
  mode http
  http-reuse safe
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend web
  bind 127.0.0.1:${c.ports.haproxy}
  default_backend origin
backend origin
  compression algo gzip
  compression type text/html
  server o1 127.0.0.1:${c.originPort}
`,
  );
  const nginxCfg = c.cfg(
    "http-nginx-comp.conf",
    `${c.nginxUser}${brotli ? `load_module ${BROTLI_MODULE};\n` : ""}daemon off;
worker_processes 1;
error_log stderr warn;
pid ${TMP}/nginx-proxy/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  gzip on;
  gzip_comp_level 1;
  gzip_proxied any;
  gzip_vary on;
  ${brotli ? "brotli on;\n  brotli_comp_level 4;" : ""}
  upstream up {
    server 127.0.0.1:${c.originPort};
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${c.ports.nginx} backlog=4096;
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
  const paths: Path[] = [
    {
      id: "haproxy-comp",
      label: "HAProxy, compression algo gzip",
      port: c.ports.haproxy,
      argv: ["haproxy", "-db", "-f", haproxyCfg],
    },
    {
      id: "nginx-comp",
      label: `nginx, gzip 1${brotli ? ", brotli 4" : ""}`,
      port: c.ports.nginx,
      argv: ["nginx", "-e", "stderr", "-p", `${TMP}/nginx-proxy`, "-c", nginxCfg],
    },
    {
      id: "bun-comp",
      label: "tsproxy (Bun), compression",
      port: c.ports.tsproxy,
      argv: ["bun", "cli.ts", "run", "-c", tsproxyCfg],
      cwd: TREE,
      ...c.noCli,
    },
    {
      id: "deno-comp",
      label: "tsproxy (Deno), compression",
      port: c.ports.tsproxy,
      argv: ["deno", "run", "--allow-net", "--allow-read", "--allow-write", "--allow-env"]
        .concat(["--allow-sys", "cli.ts", "run", "-c", tsproxyCfg]),
      cwd: TREE,
      ...c.noCli,
    },
  ];
  const encodings = [
    { id: "1m-gzip", name: "1 MiB HTML, gzip level 1", ae: "gzip", on: COMPRESSION_PATH_IDS },
    {
      id: "1m-br",
      name: "1 MiB HTML, br level 4",
      ae: "br",
      on: ["bun-comp", "deno-comp", ...(brotli ? ["nginx-comp"] : [])],
    },
  ];
  const args = (e: (typeof encodings)[number], port: number) => [
    "-c8",
    ...["-H", `Accept-Encoding: ${e.ae}`],
    `http://127.0.0.1:${port}/1m.html`,
  ];
  const workloads: Workload[] = encodings.map((e) => ({
    id: e.id,
    origin: c.origin,
    cpuRow: `${e.name}: proxy CPU per response`,
    cpuUnit: "µs/req",
    cpuScale: 1e6,
    runsOn: (id) => e.on.includes(id),
    async warmup(port) {
      await wrk(args(e, port), c.warmup);
    },
    async measure(port) {
      const out = await wrk(args(e, port), c.duration, true);
      const r = c.parseWrk(out);
      if (r.requests === 0) throw new Error(`wrk: no request completed:\n${out.trim()}`);
      const perReq = r.bytes / r.requests;
      const warnings = perReq > PAGE_BYTES * 0.7
        ? [`${fmt(perReq, "bytes")} per response: not compressed (${fmt(r.rps, "req/s")})`]
        : [];
      return {
        samples: [
          {
            row: `${e.name}: MiB/s of HTML in`,
            unit: "MiB/s",
            value: r.rps * PAGE_BYTES / 2 ** 20,
          },
          { row: `${e.name}: compression ratio`, unit: "ratio", value: PAGE_BYTES / perReq },
          { row: `${e.name}: p99 latency`, unit: "µs", value: r.p99us },
        ],
        work: r.requests,
        warnings,
      };
    },
  }));
  return { paths, workloads };
}
