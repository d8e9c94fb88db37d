/** Differential against Debian's haproxy 2.6 exporter: every haproxy_* family tsproxy emits exists there with the same type and label names; what tsproxy lacks is listed with a reason. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createServer, request, type Server } from "node:http";
import { after, before, test } from "node:test";
import { renderPrometheus } from "../../src/stats/render/mod.ts";
import type { ProxyHandle } from "../../src/proxy/proxy.ts";
import { type RunningHaproxy, startHaproxyConfig } from "./helpers/haproxy.ts";
import { type RunningCfg, startImported } from "./helpers/imported.ts";
import { closedPort } from "./helpers/net.ts";
import { get, startInProcess } from "./helpers/stats.ts";

/** HAProxy families tsproxy does not emit, by pattern, with the reason. */
const LACKING: [RegExp, string][] = [
  [/ssl/, "TLS handshakes, resumptions and SSL rates are not counted in the metrics table yet"],
  [/zlib_memory/, "compression runs in the runtime's zlib, whose memory is not measured"],
  [
    /^haproxy_process_http_comp_bytes_(in|out)_total$|limit_http_comp$/,
    "process: compression is counted per frontend and backend; no process sum, no rate limit",
  ],
  [
    /rate(_max)?$|_rate$/,
    "no session, connection or request rates are measured yet (no rate in the views)",
  ],
  [
    /time_average_seconds$|max_(connect|queue|response|total)_time_seconds$/,
    "queue/connect/response/total times are in the access log per request, not kept per object",
  ],
  [
    /connection_attempts_total$|connection_reuses_total$/,
    "connect attempts and pool reuses are not counted per object yet",
  ],
  [
    /idle_connections_(current|limit)$|(used|need)_connections_current$/,
    "the connection pool exposes no per-server gauges yet",
  ],
  [
    /downtime_seconds_total$/,
    "downtime is not accumulated yet: the Server state methods (control part) must note when a server goes DOWN",
  ],
  [/last_session_seconds$/, "the time of the last session is not kept"],
  [
    /failed_header_rewriting_total$|internal_errors_total$/,
    "rewrite failures and internal errors are not counted apart",
  ],
  [/http_cache_/, "tsproxy has no cache"],
  [/_agg_/, "HAProxy 2.6's aggregated status gauges (agg_*) are not kept"],
  [/^haproxy_backend_limit_sessions$/, "backends have no fullconn/maxconn in tsproxy"],
  [/^haproxy_backend_uweight$/, "the backend's sum of configured weights is not computed"],
  [/^haproxy_frontend_denied_sessions_total$/, "no tcp-request session rules in tsproxy (dses)"],
  [/^haproxy_server_current_throttle$/, "the slowstart throttle is not exposed yet"],
  [/_peers$/, "no peers"],
  [/build_info$/, "no build_info series: the version is on the stats page and in show info"],
  [
    /busy_polling|run_queue|current_tasks|idle_time_percent/,
    "HAProxy's scheduler internals: no equivalent in a JS event loop",
  ],
  [/failed_resolutions$/, "no DNS resolvers"],
  [/max_fds$|max_sockets$/, "the open-file limit is the runtime's, not read by the renderer"],
  [
    /max_memory_bytes$|pool_(allocated_bytes|used_bytes|failures_total)$/,
    "HAProxy's memory pools; show info takes the runtime's memory as an option, the exporter does not",
  ],
  [/pipes|spliced/, "no splicing"],
  [/^haproxy_process_bytes_out_total$/, "process-wide bytes out are not summed"],
  [/recv_logs_total$/, "no log receiver"],
  [/relative_process_id$|nbproc$|nbthread$/, "one process, one thread: not exported"],
  [
    /start_time_seconds$|uptime_seconds$/,
    "the start time is not in the views yet (renderInfo takes it as an option)",
  ],
  [/stopping$|jobs$|listeners$/, "jobs, listeners and the stopping flag are not kept"],
  [
    /^haproxy_process_hard_max_connections$/,
    "only the global maxconn is in the table (haproxy_process_max_connections)",
  ],
];

/** name → type and the label names its series use. */
type Families = Map<string, { type: string; labels: string }>;

function families(text: string): Families {
  const out: Families = new Map();
  const labels = new Map<string, Set<string>>();
  for (const line of text.split("\n")) {
    const t = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (t) {
      out.set(t[1]!, { type: t[2]!, labels: "" });
      labels.set(t[1]!, new Set());
      continue;
    }
    const s = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? /.exec(line);
    if (!s) continue;
    for (const m of (s[2] ?? "").matchAll(/([a-zA-Z_]\w*)="/g)) labels.get(s[1]!)?.add(m[1]!);
  }
  for (const [name, f] of out) f.labels = [...labels.get(name)!].sort().join(",");
  return out;
}

function fetchText(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false, timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => resolve(body));
    });
    req.on("error", reject);
    req.end();
  });
}

let origin: Server;
let haproxy: RunningHaproxy;
let tsproxy: ProxyHandle;
let theirs: Families;
let ours: Families;
let ourText = "";
/** tsproxy (Bun, its own process) on the same haproxy.cfg imported: its page from its own use-service. */
let imported: RunningCfg;
let importedFamilies: Families;

/** The haproxy.cfg haproxy runs, and tsproxy runs imported. */
function haproxyCfg(port: number, originPort: number, deadPort: number): string {
  return `
global
    nbthread 1
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:${port}
    http-request use-service prometheus-exporter if { path /metrics }
    default_backend be
backend be
    balance roundrobin
    server s1 127.0.0.1:${originPort} check inter 500ms
    server s2 127.0.0.1:${deadPort} backup
`;
}

before(async () => {
  origin = createServer((_req, res) => res.end("ok\n"));
  await new Promise<void>((r) => origin.listen(0, "127.0.0.1", r));
  const originPort = (origin.address() as { port: number }).port;
  const deadPort = await closedPort();
  const cfg = (port: number) => haproxyCfg(port, originPort, deadPort);
  haproxy = await startHaproxyConfig(1, ([port]) => cfg(port!));
  imported = await startImported(1, ([port]) => cfg(port!));
  tsproxy = await startInProcess(`
defaults:
  mode: http
  timeout: { connect: 2s, client: 5s, server: 5s }
frontends:
  fe: { bind: ["127.0.0.1:0"], defaultBackend: be }
backends:
  be:
    balance: roundrobin
    servers:
      - { name: s1, address: "127.0.0.1:${originPort}", check: true, inter: 500ms }
      - { name: s2, address: "127.0.0.1:${deadPort}", backup: true }
`);
  for (const port of [haproxy.port, tsproxy.binds[0]!.port, imported.port]) {
    assert.equal(await get(port, "/"), 200);
  }
  // a check has run on both once s1 shows a check status
  for (let i = 0; i < 40; i++) {
    ourText = renderPrometheus(tsproxy);
    if (ourText.includes("haproxy_server_check_status")) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  let importedText = "";
  for (let i = 0; i < 40; i++) {
    importedText = await fetchText(imported.port, "/metrics");
    if (importedText.includes("haproxy_server_check_status")) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  theirs = families(await fetchText(haproxy.port, "/metrics"));
  ours = families(ourText);
  importedFamilies = families(importedText);
}, { timeout: 60_000 });

after(async () => {
  await tsproxy?.shutdown();
  await imported?.stop();
  await haproxy?.stop();
  origin?.close();
});

/** Each tsproxy's families: on the hand-written YAML (rendered in process), on the imported haproxy.cfg (its /metrics). */
const PAGES: [string, () => Families][] = [
  ["YAML", () => ours],
  ["imported haproxy.cfg", () => importedFamilies],
];

for (const [config, page] of PAGES) {
  test(`prometheus (${config}): both expose families (a comparison of nothing proves nothing)`, () => {
    assert.ok(theirs.size > 100, `haproxy: ${theirs.size}`);
    assert.ok(page().size > 40, `tsproxy: ${page().size}`);
  });

  test(`prometheus (${config}): every haproxy_* family of tsproxy is HAProxy's, same type and label names`, () => {
    const wrong: string[] = [];
    for (const [name, f] of page()) {
      if (!name.startsWith("haproxy_")) continue;
      const h = theirs.get(name);
      if (h === undefined) wrong.push(`${name}: not in HAProxy's exporter`);
      else if (h.type !== f.type || h.labels !== f.labels) {
        wrong.push(`${name}: ${f.type} {${f.labels}}, HAProxy: ${h.type} {${h.labels}}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test(`prometheus (${config}): every HAProxy family tsproxy lacks is listed with a reason`, () => {
    const missing = [...theirs.keys()].filter((n) => !page().has(n));
    const unexplained = missing.filter((n) => !LACKING.some(([re]) => re.test(n)));
    assert.deepEqual(unexplained, []);
  });

  test(`prometheus (${config}): no family listed as lacking is emitted`, () => {
    const listed = [...page().keys()].filter((n) => LACKING.some(([re]) => re.test(n)));
    assert.deepEqual(listed, []);
  });

  test(`prometheus (${config}): tsproxy's own families are tsproxy_*, nothing else outside haproxy_*`, () => {
    for (const name of page().keys()) {
      assert.match(name, /^(haproxy|tsproxy)_(process|frontend|backend|server)_/);
    }
  });
}

test("prometheus: the imported haproxy.cfg's page has the YAML's families (health checks ran on both)", () => {
  assert.deepEqual(importedFamilies, ours);
  for (const f of [importedFamilies, ours]) assert.ok(f.has("haproxy_server_check_status"));
});

test("prometheus: promtool check metrics accepts tsproxy's page", () => {
  const r = spawnSync("promtool", ["check", "metrics"], { input: ourText, encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
