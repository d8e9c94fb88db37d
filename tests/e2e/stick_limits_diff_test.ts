/** Stick table limits differential: gpc0 counted on 404s and a conn_cur limit, the same schedule from several 127.0.0.x through haproxy and tsproxy, the same answers and the same `show table`. */
import assert from "node:assert/strict";
import http from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { HAPROXY_BIN, haproxyAvailable, startHaproxyConfig } from "./helpers/haproxy.ts";
import { rawHttpOrigin } from "./helpers/http.ts";
import { sleep } from "./helpers/net.ts";
import { startImported } from "./helpers/imported.ts";
import { type ProxyRuntime, RUNTIMES, startProxy } from "./helpers/proxy.ts";
import { socat } from "./helpers/socat.ts";

/** One GET on a new connection from `src`; its status. */
function get(port: number, src: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path, localAddress: src, agent: false, timeout: 5000 },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`GET ${path} from ${src} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/** The origin: 404 under /missing, 200 after 400 ms under /slow, 200 at once otherwise. */
function origin() {
  return rawHttpOrigin((req, sock) => {
    const answer = (status: string) =>
      sock.write(`HTTP/1.1 ${status}\r\nContent-Length: 2\r\n\r\nok`);
    if (req.target.startsWith("/missing")) answer("404 Not Found");
    else if (req.target.startsWith("/slow")) setTimeout(() => answer("200 OK"), 400);
    else answer("200 OK");
  });
}

/** `show table T` with HAProxy's pointers and expiry dates masked, entries sorted. */
function masked(dump: string): string[] {
  return dump.trim().split("\n").map((l) =>
    l.replace(/^0x[0-9a-f]+:/, "PTR:").replace(/ exp=\d+/, " exp=X")
  ).sort();
}

/** The two proxies' configs: one frontend `fe` with its table and `rules`, one origin. */
function configs(store: string, rules: string[], originPort: number, dir: string) {
  const hSock = join(dir, "haproxy.sock"), tSock = join(dir, "tsproxy.sock");
  const iSock = join(dir, "imported.sock");
  /** The haproxy.cfg; with `sock` iSock, the one tsproxy runs imported. */
  const haproxy = (port: number, sock = hSock) => `
global
    nbthread 1
    stats socket ${sock} level admin
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:${port}
    stick-table type ip size 1m expire 30s store ${store}
${rules.map((r) => `    ${r}\n`).join("")}    default_backend be
backend be
    server origin 127.0.0.1:${originPort}
`;
  const list = (kind: string) => {
    const lines = rules.filter((r) => r.startsWith(kind + " ")).map((r) =>
      `      - "${r.slice(kind.length + 1).replaceAll('"', '\\"')}"\n`
    );
    return lines.length === 0 ? " []\n" : "\n" + lines.join("");
  };
  const tsproxy = `
global: { log: none, hardStopAfter: 1s, statsSocket: { path: "${tSock}" } }
defaults:
  mode: http
  timeout: { connect: 2s, client: 5s, server: 5s }
frontends:
  fe:
    bind: ["127.0.0.1:0"]
    defaultBackend: be
    stickTable: { type: ip, size: 1m, expire: 30s, store: [${store}] }
    httpRequest:${list("http-request")}    httpResponse:${list("http-response")}backends:
  be:
    servers: [{ name: origin, address: "127.0.0.1:${originPort}" }]
`;
  return { haproxy, tsproxy, hSock, tSock, iSock };
}

/** The 404 schedule per source, in order (each request on its own connection). */
const GPC_SCHEDULE: Record<string, string[]> = {
  // four 404s, then everything denied
  "127.0.0.21": ["/missing", "/missing", "/missing", "/missing", "/missing", "/ok", "/ok"],
  // under the limit: never denied
  "127.0.0.22": ["/ok", "/missing", "/ok", "/missing", "/ok"],
  // the proxy's own 404 (http-request return) goes through no http-response rule: no gpc0
  "127.0.0.23": ["/own404", "/own404", "/own404", "/own404", "/own404", "/ok"],
  // 404s spread between successes; the fourth turns the next request away
  "127.0.0.24": ["/missing", "/ok", "/missing", "/missing", "/ok", "/missing", "/ok", "/ok"],
};

const GPC_RULES = [
  "http-request track-sc0 src",
  "http-request deny if { sc_get_gpc0(0) gt 3 }",
  "http-request return status 404 if { path /own404 }",
  "http-response sc-inc-gpc0(0) if { status 404 }",
];
const GPC_STORE = "gpc0,conn_cnt,conn_cur,http_req_cnt,http_err_cnt";

const CONN_RULES = [
  "http-request track-sc0 src",
  "http-request deny deny_status 429 if { sc_conn_cur(0) gt 2 }",
];
const CONN_STORE = "conn_cur,http_req_cnt,http_err_cnt";

/**
 * The tsproxy sides of a run: on the hand-written YAML, and on Bun also on the haproxy.cfg imported
 * (one runtime is enough for it); each with its port and stats socket.
 */
async function tsproxySides(rt: ProxyRuntime, c: ReturnType<typeof configs>) {
  const ts = await startProxy(rt, c.tsproxy);
  const sides: { name: string; port: number; sock: string; stop(): Promise<unknown> }[] = [
    { name: "YAML", port: ts.ports[0]!, sock: c.tSock, stop: ts.stop },
  ];
  if (rt === "bun") {
    const i = await startImported(1, ([p]) => c.haproxy(p!, c.iSock));
    sides.push({ name: "imported haproxy.cfg", port: i.port, sock: c.iSock, stop: i.stop });
  }
  return sides;
}

const ALSO_IMPORTED = (rt: string) => rt === "bun" ? "; and on the imported haproxy.cfg" : "";

for (const rt of RUNTIMES) {
  test(`stick gpc0 on 404s (${rt}${ALSO_IMPORTED(rt)}): the same requests denied as haproxy's, the same show table`, async () => {
    assert.ok(haproxyAvailable(), `${HAPROXY_BIN} is not installed (apt-get install haproxy)`);
    const o = await origin();
    const dir = mkdtempSync(join(tmpdir(), "tsproxy-stick-diff-"));
    const c = configs(GPC_STORE, GPC_RULES, o.port, dir);
    const hap = await startHaproxyConfig(1, ([p]) => c.haproxy(p!));
    const sides = await tsproxySides(rt, c);
    try {
      await Promise.all(
        Object.entries(GPC_SCHEDULE).map(async ([src, paths]) => {
          const seen: number[][] = [[], ...sides.map(() => [])];
          for (const path of paths) {
            const got = await Promise.all(
              [hap.port, ...sides.map((t) => t.port)].map((port) => get(port, src, path)),
            );
            got.forEach((status, k) => seen[k]!.push(status));
          }
          for (const [k, t] of sides.entries()) {
            assert.deepEqual(seen[k + 1], seen[0], `${t.name}: ${src} ${paths.join(",")}`);
          }
          if (src === "127.0.0.21") assert.deepEqual(seen[0]!.slice(4), [403, 403, 403]);
          if (src === "127.0.0.22") assert.ok(!seen[0]!.includes(403), `${src}: ${seen[0]}`);
        }),
      );
      await sleep(200); // the last connections' ends reach every proxy (conn_cur)
      const want = masked(await socat(c.hSock, "show table fe"));
      assert.equal(want.length, 5, want.join("\n"));
      for (const t of sides) {
        assert.deepEqual(masked(await socat(t.sock, "show table fe")), want, t.name);
      }
    } finally {
      for (const t of sides) await t.stop();
      await hap.stop();
      await o.close();
    }
  });

  test(`stick conn_cur limit (${rt}${ALSO_IMPORTED(rt)}): a third concurrent request per source denied as haproxy's`, async () => {
    assert.ok(haproxyAvailable(), `${HAPROXY_BIN} is not installed (apt-get install haproxy)`);
    const o = await origin();
    const dir = mkdtempSync(join(tmpdir(), "tsproxy-stick-diff-"));
    const c = configs(CONN_STORE, CONN_RULES, o.port, dir);
    const hap = await startHaproxyConfig(1, ([p]) => c.haproxy(p!));
    const sides = await tsproxySides(rt, c);
    try {
      // .31: five slow requests at once (two pass, three over the limit); .32: two at once (both
      // pass); .33: five one after the other (never more than one open: all pass)
      const burst = (port: number, src: string, n: number) =>
        Promise.all(Array.from({ length: n }, () => get(port, src, "/slow")));
      const serial = async (port: number, src: string) => {
        const out: number[] = [];
        for (let i = 0; i < 5; i++) out.push(await get(port, src, "/ok"));
        return out;
      };
      const each = (port: number) =>
        Promise.all([
          burst(port, "127.0.0.31", 5),
          burst(port, "127.0.0.32", 2),
          serial(port, "127.0.0.33"),
        ]);
      const [want, ...gots] = await Promise.all(
        [hap.port, ...sides.map((t) => t.port)].map(each),
      );
      const count = (l: number[], s: number) => l.filter((x) => x === s).length;
      assert.deepEqual(
        want!.map((l) => count(l, 429)),
        [3, 0, 0],
        `haproxy: ${JSON.stringify(want)}`,
      );
      for (const [k, got] of gots.entries()) {
        assert.deepEqual(
          got.map((l) => count(l, 429)),
          [3, 0, 0],
          `tsproxy (${sides[k]!.name}): ${JSON.stringify(got)}`,
        );
      }
      await sleep(200);
      const hTable = masked(await socat(c.hSock, "show table fe"));
      assert.equal(hTable.length, 4, hTable.join("\n"));
      for (const t of sides) {
        assert.deepEqual(masked(await socat(t.sock, "show table fe")), hTable, t.name);
      }
    } finally {
      for (const t of sides) await t.stop();
      await hap.stop();
      await o.close();
    }
  });
}
