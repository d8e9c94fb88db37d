/** The two configs the reload tests alternate (tests/e2e/reload_test.ts, scripts/reload_soak.ts) and the origins that answer their own name. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type OriginRequest, type RawHttpOrigin, rawHttpOrigin } from "./http.ts";
import { blackhole } from "./net.ts";
import { type ProxyRuntime, type RunningProxy, startProxy } from "./proxy.ts";
import { wsEchoOrigin } from "./ws.ts";

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

/** The origins, the proxy on config A, and both configs: what every reload run starts from. */
export async function reloadRig(rt: ProxyRuntime, tmpPrefix: string) {
  const [o1, o2, o3] = [await named("o1"), await named("o2"), await named("o3")];
  const hole = await blackhole();
  const wsOrigin = wsEchoOrigin();
  const dir = mkdtempSync(join(tmpdir(), tmpPrefix));
  const p: Ports = {
    ws: wsOrigin.port,
    o1: o1.port,
    o2: o2.port,
    o3: o3.port,
    hole: hole.port,
    sock: join(dir, "s"),
  };
  const cfgA = config("A", p), cfgB = config("B", p);
  const proxy: RunningProxy = await startProxy(rt, cfgA);
  return {
    o1,
    o2,
    o3,
    p,
    cfgA,
    cfgB,
    proxy,
    /** The config file the proxy runs (rewritten to reload). */
    file: /-c (\S+)/.exec(proxy.proc.spawnargs.join(" "))![1]!,
    port: proxy.ports[0]!,
    /** Stops the proxy and every origin. */
    async close(): Promise<void> {
      await proxy.stop();
      await Promise.all([o1.close(), o2.close(), o3.close()]);
      hole.close();
      wsOrigin.close();
    },
  };
}
