// HTTP suite's TLS rows: HAProxy `bind ... ssl crt`, nginx `listen ... ssl`, tsproxy TLS binds, wrk over https.
import { TMP, TREE } from "./options.ts";
import { wrk } from "./proc.ts";
import { fmt, type Path, type Workload } from "./suite.ts";

export const TLS_PATH_IDS = ["haproxy-tls", "nginx-tls", "bun-tls", "bun-tls-node", "deno-tls"];

/** What the HTTP suite shares with these rows. */
export interface TlsContext {
  duration: number;
  /** Seconds of unmeasured load before each run. */
  warmup: number;
  /** Writes a config file into $BENCH_TMP; returns its path. */
  cfg: (name: string, text: string) => string;
  nginxUser: string;
  /** argv of the nginx origin. */
  origin: string[];
  originPort: number;
  ports: { tsproxy: number; haproxy: number; nginx: number };
  noCli: { missing?: string };
  /** The origin's small response and its body length. */
  small: { url: string; body: number };
  parseWrk: (out: string) => {
    rps: number;
    p99us: number;
    requests: number;
    bytes: number;
    socketErrors: string | undefined;
    non2xx: number;
  };
}

/**
 * A self-signed EC P-256 certificate for localhost made with the openssl CLI (as
 * tests/e2e/helpers/certs.ts does): cert.pem, key.pem, and site.pem with both (HAProxy's crt).
 */
export function makeCert(
  dir: string,
): { cert: string; key: string; pem: string; missing?: string } {
  Deno.mkdirSync(dir, { recursive: true });
  const [cert, key, pem] = [`${dir}/cert.pem`, `${dir}/key.pem`, `${dir}/site.pem`];
  try {
    const out = new Deno.Command("openssl", {
      args: [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
        ...["-keyout", key, "-out", cert, "-days", "2", "-subj", "/O=tsproxy bench/CN=localhost"],
        ...["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
      ],
      stdout: "null",
      stderr: "piped",
    }).outputSync();
    if (!out.success) {
      return { cert, key, pem, missing: `openssl: ${new TextDecoder().decode(out.stderr).trim()}` };
    }
  } catch (e) {
    return { cert, key, pem, missing: `openssl: ${(e as Error).message}` };
  }
  Deno.writeTextFileSync(pem, Deno.readTextFileSync(cert) + Deno.readTextFileSync(key));
  return { cert, key, pem };
}

/** The TLS-terminating paths and the two workloads (keep-alive, a handshake per request) on them. */
export function tlsRows(c: TlsContext): { paths: Path[]; workloads: Workload[] } {
  const cert = makeCert(`${TMP}/tls`);
  const noCert = cert.missing ? { missing: cert.missing } : {};
  // No access log on any of them: these rows measure TLS, the plain rows measure logging.
  const tsproxyCfg = c.cfg(
    "http-tsproxy-tls.yaml",
    `global: { log: none }
defaults: { mode: http, timeout: { connect: 5s, client: 30s, server: 30s } }
frontends:
  web:
    bind:
      - address: "127.0.0.1:${c.ports.tsproxy}"
        tls: { certificates: [${JSON.stringify(cert.pem)}] }
    defaultBackend: origin
backends:
  origin:
    servers:
      - { name: o1, address: "127.0.0.1:${c.originPort}" }
`,
  );
  const haproxyCfg = c.cfg(
    "http-haproxy-tls.cfg",
    `global
  nbthread 1
defaults
  mode http
  http-reuse safe
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend web
  bind 127.0.0.1:${c.ports.haproxy} ssl crt ${cert.pem} alpn http/1.1
  default_backend origin
backend origin
  server o1 127.0.0.1:${c.originPort}
`,
  );
  const nginxCfg = c.cfg(
    "http-nginx-tls.conf",
    `${c.nginxUser}daemon off;
worker_processes 1;
error_log stderr warn;
pid ${TMP}/nginx-proxy/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  upstream up {
    server 127.0.0.1:${c.originPort};
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${c.ports.nginx} ssl backlog=4096;
    ssl_certificate ${cert.cert};
    ssl_certificate_key ${cert.key};
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
  const bun = ["bun", "cli.ts", "run", "-c", tsproxyCfg];
  const paths: Path[] = [
    {
      id: "haproxy-tls",
      label: "HAProxy, bind ssl crt",
      port: c.ports.haproxy,
      argv: ["haproxy", "-db", "-f", haproxyCfg],
      ...noCert,
    },
    {
      id: "nginx-tls",
      label: "nginx, listen ssl",
      port: c.ports.nginx,
      argv: ["nginx", "-e", "stderr", "-p", `${TMP}/nginx-proxy`, "-c", nginxCfg],
      ...noCert,
    },
    {
      id: "bun-tls",
      label: "tsproxy (Bun), TLS bind (native)",
      port: c.ports.tsproxy,
      argv: bun,
      cwd: TREE,
      ...noCert,
      ...c.noCli,
    },
    {
      // env execs bun, so the process measured is still the proxy
      id: "bun-tls-node",
      label: "tsproxy (Bun), TLS bind (node:tls)",
      port: c.ports.tsproxy,
      argv: ["env", "TSPROXY_TLS_STACK=node", ...bun],
      cwd: TREE,
      ...noCert,
      ...c.noCli,
    },
    {
      id: "deno-tls",
      label: "tsproxy (Deno), TLS bind (native)",
      port: c.ports.tsproxy,
      argv: ["deno", "run", "--allow-net", "--allow-read", "--allow-write", "--allow-env"]
        .concat(["--allow-sys", "cli.ts", "run", "-c", tsproxyCfg]),
      cwd: TREE,
      ...noCert,
      ...c.noCli,
    },
  ];
  const specs = [
    { id: "tls-small-c64", name: "TLS, small, keep-alive, 64 conns", close: false },
    {
      id: "tls-close-c64",
      name: "TLS, small, new handshake per request, 64 conns",
      close: true,
    },
  ];
  const args = (spec: (typeof specs)[number], port: number) => [
    "-c64",
    ...(spec.close ? ["-H", "Connection: close"] : []),
    `https://127.0.0.1:${port}${c.small.url}`,
  ];
  const workloads: Workload[] = specs.map((spec) => ({
    id: spec.id,
    origin: c.origin,
    cpuRow: `${spec.name}: proxy CPU per request`,
    cpuUnit: "µs/req",
    cpuScale: 1e6,
    runsOn: (id) => TLS_PATH_IDS.includes(id),
    async warmup(port) {
      await wrk(args(spec, port), c.warmup);
    },
    async measure(port) {
      // wrk (Debian's, built with OpenSSL) does not resume sessions: with Connection: close every
      // request is a full handshake (TLS 1.3, X25519, ECDSA P-256).
      const out = await wrk(args(spec, port), c.duration, true);
      const r = c.parseWrk(out);
      if (r.requests === 0) throw new Error(`wrk: no request completed:\n${out.trim()}`);
      const warnings: string[] = [];
      if (r.socketErrors) warnings.push(`wrk: Socket errors: ${r.socketErrors}`);
      if (r.non2xx) warnings.push(`wrk: Non-2xx or 3xx responses: ${r.non2xx}`);
      const perReq = r.bytes / r.requests;
      if (perReq < c.small.body * 0.99) {
        warnings.push(`wrk read ${perReq.toFixed(0)} bytes per response, body is ${c.small.body}`);
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
  return { paths, workloads };
}
