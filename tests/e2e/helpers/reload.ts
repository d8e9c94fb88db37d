/** The two configs the reload tests alternate (tests/e2e/reload_test.ts, scripts/reload_soak.ts) and the origins that answer their own name. */
import { type OriginRequest, type RawHttpOrigin, rawHttpOrigin } from "./http.ts";

export function named(name: string): Promise<RawHttpOrigin> {
  return rawHttpOrigin((_req: OriginRequest, sock) => {
    sock.write(`HTTP/1.1 200 OK\r\nContent-Length: ${name.length}\r\n\r\n${name}`);
  });
}

export interface Ports {
  ws: number;
  o1: number;
  o2: number;
  o3: number;
  hole: number;
  sock: string;
}

/**
 * Config A: app = s1 + s2, /gen answers "A". Config B: app = s1 + s3 (s2 removed, s3 added), /gen
 * answers "B", and a frontend `extra` is added. Both: aux/m1 (set MAINT at run time), aux/d1
 * (checked against a blackhole: DOWN), and /rate answering the caller's stick-table rate.
 */
export function config(which: "A" | "B", p: Ports): string {
  const app = which === "A"
    ? `      - { name: s2, address: "127.0.0.1:${p.o2}" }`
    : `      - { name: s3, address: "127.0.0.1:${p.o3}" }`;
  const extra = which === "B" ? `  extra: { bind: ["127.0.0.1:0"], defaultBackend: app }\n` : "";
  return `
global: { hardStopAfter: 3s, log: none, statsSocket: { path: "${p.sock}", level: admin } }
defaults: { mode: http, timeout: { connect: 2s, client: 10s, server: 10s } }
stickTables:
  per_user: { type: string, len: 32, size: 1k, expire: 60s, store: ["http_req_rate(60s)"] }
frontends:
  web:
    bind: ["127.0.0.1:0"]
    defaultBackend: app
    useBackend: ["ws if { path_beg /ws }"]
    httpRequest:
      - track-sc0 req.hdr(x-user) table per_user if { path /rate }
      - return status 200 content-type text/plain lf-string "%[sc_http_req_rate(0)]" if { path /rate }
      - return status 200 content-type text/plain string "${which}" if { path /gen }
${extra}backends:
  ws:
    servers: [{ name: w1, address: "127.0.0.1:${p.ws}" }]
  app:
    balance: roundrobin
    servers:
      - { name: s1, address: "127.0.0.1:${p.o1}" }
${app}
  aux:
    httpCheck: { method: GET, uri: /health, expect: status 200 }
    servers:
      - { name: m1, address: "127.0.0.1:${p.o1}" }
      - { name: d1, address: "127.0.0.1:${p.hole}", check: true, inter: 1500ms, fall: 1, rise: 1 }
`;
}
