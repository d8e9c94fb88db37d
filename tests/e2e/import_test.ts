/** `tsproxy import` and `.cfg` in check/run: the differential tests' haproxy.cfg files, converted
 * and checked under Deno, Bun and the binary; unsupported lines listed; a .cfg that proxies. */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { makeCa } from "./helpers/certs.ts";
import { haproxyConfig as httpDiffCfg } from "./helpers/haproxy.ts";
import { curl } from "./helpers/http.ts";
import { cliCommand, RUNTIMES } from "./helpers/proxy.ts";
import {
  checkScenarios,
  haproxyConfig as rulesDiffCfg,
  type Scenario,
} from "./helpers/rules_diff.ts";

const dir = mkdtempSync(join(tmpdir(), "tsproxy-import-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const ca = makeCa("import test CA", dir);
const pem = ca.issue("origin", "origin.example").pemFile;

const SCENARIOS: Scenario[] = [{
  name: "s",
  acl: ["is_b path_beg /b", "h hdr(host) -i www.example"],
  httpRequest: ["set-header X-A 1 if h", "deny deny_status 403 if { path /deny }"],
  httpResponse: ["set-header X-R 2"],
  useBackend: ["b if is_b"],
  requests: [
    { path: "/" },
    { path: "/b/x" },
    { path: "/deny" },
    { path: "/b", host: "other.example" },
  ],
}, {
  name: "answers",
  httpRequest: [
    "redirect location /new code 301 if { path /old }",
    'return status 200 content-type text/plain string "hi" if { path /hi }',
    "set-path /rewritten%[path] if { path_beg /r }",
  ],
  defaultBackend: "c",
  requests: [{ path: "/old" }, { path: "/hi" }, { path: "/r/1" }, { path: "/x" }],
}];

/** The haproxy.cfg of each differential test (ports fixed, certificates made here). */
const CONFIGS: Record<string, string> = {
  "http_differential": httpDiffCfg(20001, 20002),
  "rules_diff": rulesDiffCfg(SCENARIOS, [20011, 20012, 20013], [20014, 20015]),
  "balance_diff": `global\n    nbthread 1\n\ndefaults\n    mode http\n    option allbackups\n` +
    `    timeout connect 2s\n    timeout client 5s\n    timeout server 5s\n\n` +
    `frontend f0\n    bind 127.0.0.1:20021\n    default_backend b0\n\n` +
    `backend b0\n    balance uri\n    hash-type map-based sdbm\n` +
    `    server a 127.0.0.1:20022 weight 2\n    server b 127.0.0.1:20023 weight 1 backup\n` +
    `    server c 127.0.0.1:20024 weight 1 disabled\n\n` +
    `frontend f1\n    bind 127.0.0.1:20025\n    default_backend b1\n\n` +
    `backend b1\n    balance hdr(x-user)\n    hash-type map-based crc32 avalanche\n` +
    `    server a 127.0.0.1:20022 weight 1\n`,
  "health (stats_prometheus_diff)": `global\n    nbthread 1\ndefaults\n    mode http\n` +
    `    timeout connect 2s\n    timeout client 5s\n    timeout server 5s\nfrontend fe\n` +
    `    bind 127.0.0.1:20031\n` +
    `    http-request use-service prometheus-exporter if { path /metrics }\n` +
    `    default_backend be\nbackend be\n    balance roundrobin\n` +
    `    server s1 127.0.0.1:20032 check inter 500ms\n    server s2 127.0.0.1:20033 backup\n`,
  "stats_csv_diff": `global\n    nbthread 1\n    maxconn 1000\n` +
    `    stats socket ${dir}/stats.sock level admin\ndefaults\n    mode http\n` +
    `    timeout connect 2s\n    timeout client 5s\n    timeout server 5s\nfrontend fe\n` +
    `    bind 127.0.0.1:20041\n    default_backend be\nbackend be\n    balance roundrobin\n` +
    `    server s1 127.0.0.1:20042\n    server s2 127.0.0.1:20042 weight 2\n` +
    `    server s3 127.0.0.1:20043 backup\n`,
  "control_diff": `global\n    stats socket ${dir}/ctl.sock level admin\n    nbthread 1\n` +
    `defaults\n    mode http\n    timeout connect 1s\n    timeout client 5s\n` +
    `    timeout server 5s\nfrontend fe\n    bind 127.0.0.1:20051\n    default_backend app\n` +
    `backend app\n    balance roundrobin\n    server s1 127.0.0.1:1\n    server s2 127.0.0.1:2\n` +
    `backend st\n    balance static-rr\n    server a 127.0.0.1:3\n`,
  "proxy_protocol (out)": `global\n    nbthread 1\ndefaults\n    mode tcp\n` +
    `    timeout connect 2s\n    timeout client 5s\n    timeout server 5s\n` +
    `listen http_v1\n    bind 127.0.0.1:20061\n    server ts 127.0.0.1:20062 send-proxy\n` +
    `listen tcp_v2\n    bind 127.0.0.1:20063\n    server ts 127.0.0.1:20064 send-proxy-v2\n`,
  "proxy_protocol (in)": `global\n    nbthread 1\ndefaults\n    mode http\n` +
    `    timeout connect 2s\n    timeout client 5s\n    timeout server 5s\nfrontend pp\n` +
    `    bind 127.0.0.1:20071 accept-proxy\n    http-request return status 200 content-type ` +
    `text/plain lf-string "src=%[src]:%[src_port] dst=%[dst]:%[dst_port] ` +
    `authority=%[fc_pp_authority]\\n"\n`,
  "tls_send_proxy": `global\n  log stderr local0\ndefaults\n  mode http\n  timeout connect 2s\n` +
    `  timeout client 5s\n  timeout server 5s\nfrontend plain_tls\n` +
    `  bind 127.0.0.1:20081 accept-proxy ssl crt ${pem} alpn http/1.1\n` +
    `  http-request return status 200 content-type text/plain lf-string ` +
    `"src=%[src] sni=%[ssl_fc_sni] alpn=%[ssl_fc_alpn]"\nfrontend mtls\n` +
    `  bind 127.0.0.1:20082 accept-proxy ssl crt ${pem} verify required ca-file ${ca.caFile}\n` +
    `  http-request return status 200 content-type text/plain lf-string ` +
    `"src=%[src] client=%[ssl_c_s_dn(cn)]"\n`,
  "tls_proxy_protocol": `global\n  log stderr local0\ndefaults\n  mode tcp\n` +
    `  timeout connect 2s\n  timeout client 5s\n  timeout server 5s\nfrontend fe\n` +
    `  bind 127.0.0.1:20091\n  default_backend be\nbackend be\n` +
    `  server ts 127.0.0.1:20092 send-proxy-v2\n`,
  "stick_diff": `global\n    nbthread 1\ndefaults\n    mode http\n    timeout connect 2s\n` +
    `    timeout client 5s\n    timeout server 5s\nfrontend fe\n    bind 127.0.0.1:20101\n` +
    `    stick-table type ip size 1m expire 30s store http_req_rate(10s)\n` +
    `    http-request track-sc0 src\n` +
    `    http-request deny deny_status 429 if { sc_http_req_rate(0) gt 5 }\n` +
    `    default_backend be\nbackend be\n    server origin 127.0.0.1:20102\n`,
};

/**
 * Converted configs that `check` would refuse, with the error it must point at the .cfg line with:
 * none now (HAProxy is the origin in two of them, answering with fc_pp_authority and
 * ssl_c_s_dn(cn), which tsproxy's rules have too).
 */
const CHECK_REFUSES: Record<string, RegExp> = {};

function cli(rt: (typeof RUNTIMES)[number], args: string[]) {
  const [cmd, pre] = cliCommand(rt, args);
  const r = spawnSync(cmd, pre, { encoding: "utf8", timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const files = Object.entries(CONFIGS).map(([name, text]) => {
  const file = join(dir, `${name.replace(/\W+/g, "_")}.cfg`);
  writeFileSync(file, text);
  return { name, file };
});

for (const rt of RUNTIMES) {
  test(`${rt}: every differential haproxy.cfg imports completely and passes check (.cfg and YAML)`, () => {
    for (const { name, file } of files) {
      const yaml = file.replace(/\.cfg$/, ".yaml");
      const i = cli(rt, ["import", file, "-o", yaml]);
      assert.equal(i.code, 0, `${name}: ${i.err}`);
      assert.match(i.err, /converted completely/);
      const direct = cli(rt, ["check", "-c", file]);
      const viaYaml = cli(rt, ["check", yaml]);
      const refused = CHECK_REFUSES[name];
      if (refused) {
        assert.equal(direct.code, 1);
        assert.match(direct.err, refused, "the error points at the .cfg line");
        assert.equal(viaYaml.code, 1);
        continue;
      }
      assert.equal(direct.out, "configuration is valid\n", `${name} (.cfg): ${direct.err}`);
      assert.equal(viaYaml.out, "configuration is valid\n", `${name} (.yaml): ${viaYaml.err}`);
    }
  });
}

const UNSUPPORTED = `global
    nbthread 4
    daemon
defaults
    mode http
    timeout connect 2s
    timeout client-fin 1s
frontend fe
    bind 127.0.0.1:0
    capture request header Host len 20
    default_backend be
backend be
    balance leastconn
    server s1 /run/app.sock
    server s2 127.0.0.1:8080 resolvers dns check
userlist admins
    user admin insecure-password secret
`;

test("import: unsupported keywords are listed with their lines, exit 1, the rest converted", () => {
  const file = join(dir, "unsupported.cfg");
  writeFileSync(file, UNSUPPORTED);
  const r = cli("bun", ["import", file]);
  assert.equal(r.code, 1);
  const lines = r.err.split("\n").filter((l) => l.includes(": not converted: "));
  assert.deepEqual(lines.map((l) => Number(l.split(":")[1])), [7, 10, 14, 15, 16]);
  assert.match(r.err, /:7: not converted: timeout client-fin: no such timeout/);
  assert.match(r.err, /:14: not converted: address "\/run\/app\.sock"/);
  assert.match(r.err, /:15: not converted: resolvers: no such server setting/);
  assert.match(r.err, /:16: not converted: userlist section \(lines 16-17\)/);
  assert.match(r.err, /:2: ignored: nbthread/);
  assert.match(r.out, /# line 10: NOT CONVERTED: capture/);
  assert.match(r.out, /balance: leastconn/);
  const c = cli("bun", ["check", file]);
  assert.equal(c.code, 1);
  assert.deepEqual(
    c.err.trim().split("\n").map((l) => Number(l.split(":")[1])),
    [7, 10, 14, 15, 16],
    c.err,
  );
});

test("run -c app.cfg proxies a request as the haproxy.cfg says (rules kept as written)", async () => {
  const origin = http.createServer((req, res) => res.end(`${req.url} x-a=${req.headers["x-a"]}`));
  await new Promise<void>((r) => origin.listen(0, "127.0.0.1", r));
  const port = (origin.address() as AddressInfo).port;
  const cfg = `defaults\n    mode http\n    timeout connect 2s\n    timeout client 5s\n` +
    `    timeout server 5s\nfrontend fe\n    bind 127.0.0.1:0\n    acl api path_beg /api\n` +
    `    http-request set-header X-A yes if api\n    http-request deny if { path /no }\n` +
    `    default_backend be\nbackend be\n    server s1 127.0.0.1:${port}\n`;
  const file = join(dir, "run.cfg");
  writeFileSync(file, cfg);
  const proxy = await startCfg(file);
  try {
    const a = await curl([`http://127.0.0.1:${proxy.ports[0]}/api/x`]);
    assert.equal(a.stdout.toString(), "/api/x x-a=yes");
    const d = await curl([
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      `http://127.0.0.1:${proxy.ports[0]}/no`,
    ]);
    assert.equal(d.stdout.toString(), "403");
  } finally {
    await proxy.stop();
    origin.close();
  }
});

/** Runs `tsproxy run -c FILE.cfg` on Bun until it listens. */
async function startCfg(file: string) {
  const [cmd, args] = cliCommand("bun", ["run", "-c", file]);
  const proc = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<unknown>((r) => proc.on("exit", r));
  const ports: number[] = [];
  for (let i = 0; i < 200 && ports.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
    if (m) ports.push(Number(m[1]));
  }
  assert.ok(ports.length > 0, out);
  return {
    ports,
    async stop() {
      proc.kill("SIGTERM");
      await exited;
    },
  };
}

test("rules differential through the importer: haproxy and tsproxy on the same haproxy.cfg agree", async () => {
  // the harness runs tsproxy on the hand-written YAML and on the converted haproxy.cfg itself, as
  // every rules_diff*_test.ts does (README, Coming from HAProxy)
  await checkScenarios("import", SCENARIOS, {});
});
