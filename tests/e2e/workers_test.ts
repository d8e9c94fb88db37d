/** Master and workers (global.workers: 2) under wrk: kill -9 of a worker is followed by a new one within 1 s and fails only what it held; HUP reloads lose nothing; `show stat` through the master, and the stats page (HTML, ;csv, ;json) and /metrics of whichever worker answers, sum the workers. */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { test } from "node:test";
import { rawHttpOrigin, waitForLine } from "./helpers/http.ts";
import { sleep } from "./helpers/net.ts";
import { RUNTIMES, startProxy, writeTemp } from "./helpers/proxy.ts";
import { parseStatCsv, statsCommand } from "./helpers/stats.ts";
import { wrk } from "./helpers/wrk.ts";

const CONNS = 16;

function config(origin: number, sock: string): string {
  return `
global: { workers: 2, hardStopAfter: 5s, log: none, statsSocket: { path: "${sock}", level: admin } }
defaults: { mode: http, timeout: { connect: 2s, client: 10s, server: 10s } }
frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app }
backends:
  app: { servers: [{ name: s1, address: "127.0.0.1:${origin}" }] }
`;
}

const TOKEN = "workers-test-token-0123456789";

/** The same with the stats page and /metrics in the frontend, and the admin API (its exports). */
function pageConfig(origin: number, sock: string): string {
  return config(origin, sock).replace(
    "workers: 2,",
    `workers: 2, api: { bind: ["127.0.0.1:0"], tokens: [{ name: t, token: "${TOKEN}", level: operator }] },`,
  ).replace(
    "defaultBackend: app }",
    `defaultBackend: app, stats: { uri: /stats }, httpRequest: ["use-service prometheus-exporter if { path /metrics }"] }`,
  );
}

/** A count once it has not moved for 300 ms (at most 5 s). */
async function settledCount(count: () => number): Promise<number> {
  let last = count();
  for (const end = Date.now() + 5000; Date.now() < end;) {
    await sleep(300);
    const now = count();
    if (now === last) break;
    last = now;
  }
  return last;
}

/** GET over a new connection (so either worker may answer): the body. */
async function body(port: number, path: string, token?: string): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers: { connection: "close", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    signal: AbortSignal.timeout(5000),
  });
  assert.equal(r.status, 200, `GET ${path}`);
  return await r.text();
}

/** A field of one line of `;json` (HAProxy's show stat json: a list of field lists). */
function jsonField(text: string, px: string, sv: string, field: string): number {
  type F = { field: { name: string }; value: { value: unknown } };
  const lines = JSON.parse(text) as F[][];
  const of = (l: F[], n: string) => l.find((f) => f.field.name === n)?.value.value;
  const line = lines.find((l) => of(l, "pxname") === px && of(l, "svname") === sv);
  if (!line) throw new Error(`;json has no ${px}/${sv}`);
  return Number(of(line, field));
}

interface Proc {
  pid: number;
  type: string;
  index: number;
  ready: boolean;
}

/** `show proc` through the master: the master's line and each worker's. */
async function showProc(sock: string): Promise<Proc[]> {
  const text = await statsCommand(sock, "show proc");
  return text.split("\n").slice(1).filter((l) => l.trim() !== "").map((l) => {
    const [pid, type, index, , ready] = l.trim().split(/\s+/);
    return { pid: Number(pid), type: type!, index: Number(index), ready: ready === "yes" };
  });
}

function sockPath(): string {
  return join(writeTemp("x", ""), "..", "s");
}

for (const rt of RUNTIMES) {
  if (rt === "deno") {
    test("deno: workers: 2 says Deno cannot run workers and serves as one process", async () => {
      const origin = await rawHttpOrigin();
      const sock = sockPath();
      const proxy = await startProxy(rt, config(origin.port, sock));
      try {
        await waitForLine(proxy, /global\.workers 2: deno cannot hand listening sockets/);
        const r = await fetch(`http://127.0.0.1:${proxy.ports[0]}/`);
        assert.equal(r.status, 200);
        await r.arrayBuffer();
        const info = await statsCommand(sock, "show info");
        assert.match(info, new RegExp(`^Pid: ${proxy.proc.pid}$`, "m"), "one process serves");
      } finally {
        await proxy.stop();
        await origin.close();
      }
    });
    continue;
  }

  test(`${rt}: workers: 2 under wrk: HUP reloads lose nothing; show stat through the master equals what the origin saw`, async () => {
    const origin = await rawHttpOrigin();
    const sock = sockPath();
    const proxy = await startProxy(rt, config(origin.port, sock));
    try {
      const procs = await showProc(sock);
      assert.equal(procs[0]!.pid, proxy.proc.pid, "the master is the process started");
      assert.deepEqual(procs.map((p) => [p.type, p.ready]), [
        ["master", false],
        ["worker", true],
        ["worker", true],
      ]);
      const load = wrk(proxy.ports[0]!, 4, false, CONNS);
      for (let i = 0; i < 4; i++) {
        await sleep(700);
        const from = proxy.output().length;
        proxy.signal("SIGHUP");
        await waitForLine(proxy, /reload: done on every worker/, { from, ms: 5000 });
      }
      const r = await load;
      console.log(
        `${rt} workers, 4 HUP under wrk: ${r.requests} requests, ${r.socketErrors} socket ` +
          `errors, ${r.non2xx} non-2xx`,
      );
      assert.ok(r.requests > 500, r.text);
      assert.equal(r.socketErrors, 0, r.text);
      assert.equal(r.non2xx, 0, r.text);
      // the same workers serve (a reload is in-process), and the totals are theirs summed
      assert.deepEqual((await showProc(sock)).map((p) => p.pid), procs.map((p) => p.pid));
      await sleep(200);
      const stat = parseStatCsv(await statsCommand(sock, "show stat"));
      // requests wrk left in flight when it stopped still reach the origin: wait for the count to settle
      const seen = await settledCount(() => origin.requests.length);
      const be = stat.lines.get("app/BACKEND")!, s1 = stat.lines.get("app/s1")!;
      const fe = stat.lines.get("web/FRONTEND")!;
      console.log(
        `${rt} workers: origin saw ${seen}, show stat: backend hrsp_2xx ${be.hrsp_2xx}, ` +
          `server stot ${s1.stot}, frontend req_tot ${fe.req_tot}`,
      );
      assert.equal(Number(be.hrsp_2xx), seen);
      assert.equal(Number(s1.hrsp_2xx), seen);
      assert.equal(Number(fe.req_tot), seen);
      assert.ok(Number(fe.req_tot) >= r.requests, "every request wrk counted is in the totals");
      const info = await statsCommand(sock, "show info");
      assert.match(info, new RegExp(`^Pid: ${proxy.proc.pid}$`, "m"));
      assert.match(info, /^Nbproc: 2$/m);
      assert.match(info, new RegExp(`^CumReq: ${seen}$`, "m"));
      // a change reaches every worker
      assert.equal(await statsCommand(sock, "set weight app/s1 7"), "\n");
      assert.match(await statsCommand(sock, "get weight app/s1"), /^7 \(initial 1\)/);
      // the master holds the listening sockets: a reload that changes them is refused, whole
      const file = /-c (\S+)/.exec(proxy.proc.spawnargs.join(" "))![1]!;
      writeFileSync(
        file,
        readFileSync(file, "utf8").replace('["127.0.0.1:0"]', '["127.0.0.1:0", "127.0.0.1:0"]'),
      );
      assert.match(
        await statsCommand(sock, "reload", 10_000),
        /^Success=0\n--\nreload: the listening addresses changed .*upgrade the master \(SIGUSR2\)/,
      );
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: workers: 2 under wrk: the stats page (;csv, ;json, HTML) and /metrics show the workers' totals, equal to what the origin saw`, async () => {
    const origin = await rawHttpOrigin();
    const sock = sockPath();
    const proxy = await startProxy(rt, pageConfig(origin.port, sock), 2);
    const port = proxy.ports[0]!;
    const api = Number(/frontend api listening on [^\s]+:(\d+)/.exec(proxy.output())![1]);
    try {
      const r = await wrk(port, 3, false, CONNS);
      assert.equal(r.socketErrors + r.non2xx, 0, r.text);
      // both workers served: show proc's pids, and each worker's own count is below the total
      // requests wrk left in flight when it stopped still reach the origin: wait for the count to settle
      const seen = await settledCount(() => origin.requests.length);
      assert.ok(seen >= r.requests && seen > 500, `origin saw ${seen}`);
      const served = new Set<string>();
      for (let i = 0; i < 12; i++) {
        const csv = parseStatCsv(await body(port, "/stats;csv"));
        const be = csv.lines.get("app/BACKEND")!, s1 = csv.lines.get("app/s1")!;
        assert.equal(Number(s1.hrsp_2xx), seen, `;csv server hrsp_2xx (try ${i})`);
        // the backend counts the stats answers too (intercepted), as HAProxy
        assert.ok(Number(be.hrsp_2xx) >= seen, `;csv backend hrsp_2xx (try ${i})`);
        assert.equal(Number(s1.stot), seen, `;csv server stot (try ${i})`);
        served.add(csv.lines.get("web/FRONTEND")!.req_tot!);
        const json = await body(port, "/stats;json");
        assert.equal(jsonField(json, "app", "s1", "hrsp_2xx"), seen, ";json");
        assert.equal(jsonField(json, "app", "s1", "stot"), seen, ";json server stot");
        const metrics = await body(port, "/metrics");
        const m = /^haproxy_server_sessions_total\{proxy="app",server="s1"\} (\d+)$/m.exec(metrics);
        assert.equal(Number(m?.[1]), seen, `/metrics server sessions:\n${metrics.slice(0, 500)}`);
        const s2xx =
          /^haproxy_server_http_responses_total\{proxy="app",server="s1",code="2xx"\} (\d+)$/m
            .exec(metrics);
        assert.equal(Number(s2xx?.[1]), seen, "/metrics server 2xx");
        const html = await body(port, "/stats");
        assert.match(html, /<html/i);
        // the admin API's exports, served by a worker too
        const apiCsv = parseStatCsv(await body(api, "/stats.csv", TOKEN));
        assert.equal(Number(apiCsv.lines.get("app/s1")!.stot), seen, `API /stats.csv (try ${i})`);
      }
      // the frontend's req_tot grows with the stats requests themselves, answered by either worker
      assert.ok(served.size > 1, `the stats requests were counted: ${[...served]}`);
      const stat = parseStatCsv(await statsCommand(sock, "show stat"));
      assert.equal(Number(stat.lines.get("app/s1")!.stot), seen, "show stat agrees");
      console.log(
        `${rt} workers: origin saw ${seen}; ;csv, ;json, /metrics and the API's /stats.csv of ` +
          `either worker: ${seen}`,
      );
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: workers: 2 under wrk: kill -9 of a worker, a new one serves within 1 s; only what it held fails`, async () => {
    const origin = await rawHttpOrigin();
    const sock = sockPath();
    const proxy = await startProxy(rt, config(origin.port, sock));
    try {
      const load = wrk(proxy.ports[0]!, 4, false, CONNS);
      await sleep(1500);
      const victim = (await showProc(sock)).find((p) => p.type === "worker")!;
      const t0 = Date.now();
      process.kill(victim.pid, "SIGKILL");
      let replaced: Proc | undefined;
      for (let i = 0; i < 200 && Date.now() - t0 < 3000; i++) {
        const w = (await showProc(sock)).find((p) => p.index === victim.index);
        if (w && w.pid !== victim.pid && w.ready) {
          replaced = w;
          break;
        }
        await sleep(20);
      }
      const tookMs = Date.now() - t0;
      const r = await load;
      const failed = r.socketErrors + r.non2xx;
      console.log(
        `${rt} workers, kill -9 of worker ${victim.index} under wrk (${CONNS} connections): a new ` +
          `worker served after ${tookMs}ms; ${r.requests} requests, ${r.socketErrors} socket ` +
          `errors, ${r.non2xx} non-2xx`,
      );
      assert.ok(replaced, `no new worker within 3s:\n${proxy.output()}`);
      assert.ok(tookMs < 1000, `a new worker within 1s (took ${tookMs}ms)`);
      assert.match(proxy.output(), /worker \d \(pid \d+\) exited with SIGKILL .*restarting it/);
      assert.ok(r.requests > 500, r.text);
      // the killed worker held at most its share of wrk's connections, one request in flight each
      assert.ok(failed <= CONNS, `only requests in flight on the killed worker fail:\n${r.text}`);
      const after = await fetch(`http://127.0.0.1:${proxy.ports[0]}/`);
      assert.equal(after.status, 200);
      await after.arrayBuffer();
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });
}
