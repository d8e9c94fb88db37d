/** Stick tables differential: the same request schedule from several sources through haproxy and tsproxy, the same requests denied by a rate. */
import assert from "node:assert/strict";
import http from "node:http";
import { test } from "node:test";
import { HAPROXY_BIN, haproxyAvailable, startHaproxyConfig } from "./helpers/haproxy.ts";
import { rawHttpOrigin } from "./helpers/http.ts";
import { sleep } from "./helpers/net.ts";
import { startImported } from "./helpers/imported.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";

/** The rate period and limit both proxies run with. */
const PERIOD = "2s", LIMIT = 20;

/** One GET on a new connection from `src` (a 127.0.0.x address); its status. */
function get(port: number, src: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: "/", localAddress: src, agent: false, timeout: 5000 },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`GET from ${src} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/**
 * The schedule, per source: `burst` requests back to back, then a pause, repeated. Source .2
 * goes far over the limit at once; .3 stays under it (one every 100 ms and more, under 20 per
 * window: never denied, its entry kept apart from the others); .4 bursts, waits into the next
 * period and bursts again, so the previous period's prorated count decides the second burst.
 */
const SCHEDULE: Record<string, { burst: number; pause: number; rounds: number }> = {
  "127.0.0.2": { burst: 30, pause: 0, rounds: 1 },
  "127.0.0.3": { burst: 1, pause: 100, rounds: 36 },
  "127.0.0.4": { burst: 25, pause: 2500, rounds: 2 },
};

/** Runs every source's schedule at once, each request sent to every proxy together: statuses per port. */
async function run(ports: number[]): Promise<Record<string, number[][]>> {
  const out: Record<string, number[][]> = {};
  await Promise.all(
    Object.entries(SCHEDULE).map(async ([src, s]) => {
      const seen: number[][] = ports.map(() => []);
      out[src] = seen;
      for (let r = 0; r < s.rounds; r++) {
        for (let i = 0; i < s.burst; i++) {
          const got = await Promise.all(ports.map((p) => get(p, src)));
          got.forEach((status, k) => seen[k]!.push(status));
        }
        if (r < s.rounds - 1) await sleep(s.pause);
      }
    }),
  );
  return out;
}

const HAPROXY_CFG = (port: number, origin: number) => `
global
    nbthread 1
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:${port}
    stick-table type ip size 1m expire 30s store http_req_rate(${PERIOD})
    http-request track-sc0 src
    http-request deny deny_status 429 if { sc_http_req_rate(0) gt ${LIMIT} }
    default_backend be
backend be
    server origin 127.0.0.1:${origin}
`;

const TSPROXY_CFG = (origin: number) => `
global: { hardStopAfter: 1s }
defaults:
  mode: http
  timeout: { connect: 2s, client: 5s, server: 5s }
frontends:
  fe:
    bind: ["127.0.0.1:0"]
    defaultBackend: be
    stickTable: { type: ip, size: 1m, expire: 30s, store: ["http_req_rate(${PERIOD})"] }
    httpRequest:
      - track-sc0 src
      - deny deny_status 429 if { sc_http_req_rate(0) gt ${LIMIT} }
backends:
  be:
    servers: [{ name: origin, address: "127.0.0.1:${origin}" }]
`;

/** On Bun, tsproxy on the haproxy.cfg imported runs beside the YAML one (one runtime is enough). */
const ALSO_IMPORTED = (rt: string) => rt === "bun" ? "; and on the imported haproxy.cfg" : "";

for (const rt of RUNTIMES) {
  test(`stick table rate limit (${rt}${ALSO_IMPORTED(rt)}): the same requests denied as haproxy's, per source`, async () => {
    assert.ok(haproxyAvailable(), `${HAPROXY_BIN} is not installed (apt-get install haproxy)`);
    const origin = await rawHttpOrigin();
    const hap = await startHaproxyConfig(1, ([p]) => HAPROXY_CFG(p!, origin.port));
    const ts = await startProxy(rt, TSPROXY_CFG(origin.port));
    // on Bun, tsproxy on the haproxy.cfg imported takes the same schedule at the same time
    const imported = rt === "bun"
      ? await startImported(1, ([p]) => HAPROXY_CFG(p!, origin.port))
      : null;
    try {
      const sides = [["YAML", ts.ports[0]!], ...(imported ? [["imported", imported.port]] : [])];
      const result = await run([hap.port, ...sides.map(([, port]) => port as number)]);
      for (const [src, [want, ...gots]] of Object.entries(result)) {
        const denied = (l: number[]) => l.filter((s) => s === 429).length;
        if (src !== "127.0.0.3") assert.ok(denied(want!) > 0, `${src}: haproxy denied nothing`);
        assert.ok(want!.every((s) => s === 200 || s === 429), `${src}: ${want!.join(",")}`);
        for (const [k, got] of gots.entries()) {
          const side = `tsproxy (${sides[k]![0]})`;
          if (src === "127.0.0.3") assert.equal(denied(got), 0, `${src} ${side}: ${got.join(",")}`);
          // a request landing on the other side of a period edge in one proxy than in the other
          // reads a rate one off: allow one request's answer to differ per source
          const differ = want!.filter((s, i) => s !== got[i]).length;
          assert.ok(
            differ <= 1,
            `${src}: haproxy ${want!.join(",")}\n${src}: ${side} ${got.join(",")}`,
          );
          // the burst: the 21st and later requests are over the limit in both
          if (src === "127.0.0.2") assert.equal(got.map((s) => s === 429).indexOf(true), LIMIT);
        }
      }
    } finally {
      await ts.stop();
      await imported?.stop();
      await hap.stop();
      await origin.close();
    }
  });
}
