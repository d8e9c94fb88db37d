/**
 * Health checks differential: one haproxy.cfg (HTTP checks with expect, a plain TCP check, rise/fall,
 * a dead port) run by Debian's haproxy and by tsproxy importing it; `show stat` agrees on each
 * server's status, check status and code, before and after a server's health flips both ways,
 * and traffic reaches the same servers.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { startHaproxyConfig } from "./helpers/haproxy.ts";
import { startImported } from "./helpers/imported.ts";
import { closedPort, sleep } from "./helpers/net.ts";
import { get, parseStatCsv, statsCommand } from "./helpers/stats.ts";

/** The `show stat` columns compared for every server. */
const COMPARED = ["status", "check_status", "check_code", "act", "bck"];

/**
 * The one difference: HAProxy prefixes check_status with "* " while a check is running (often, at
 * inter 150ms) and may show check_code 0 then; tsproxy's check_status is the last result alone.
 * States read while any haproxy check runs are not settled: polled again.
 */
const IN_PROGRESS = "check_status=* ";

/** An origin answering its name; `/health` answers `health` (changeable). */
async function origin(name: string): Promise<{ port: number; health: number; server: Server }> {
  const o = { port: 0, health: 200, server: createServer() };
  o.server.on("request", (req, res) => {
    if (req.url === "/health") res.writeHead(o.health).end();
    else res.writeHead(200, { "x-server": name }).end(name);
  });
  await new Promise<void>((r) => o.server.listen(0, "127.0.0.1", r));
  o.port = (o.server.address() as { port: number }).port;
  return o;
}

function haproxyCfg(port: number, sock: string, p: Record<string, number>): string {
  return `global
    nbthread 1
    stats socket ${sock} level admin
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    timeout check 1s
frontend fe
    bind 127.0.0.1:${port}
    default_backend web
backend web
    balance roundrobin
    option httpchk GET /health
    http-check expect status 200
    default-server inter 150ms fall 2 rise 2
    server ok 127.0.0.1:${p.ok} check
    server flip 127.0.0.1:${p.flip} check
    server dead 127.0.0.1:${p.dead} check
    server spare 127.0.0.1:${p.ok} check backup
backend raw
    mode tcp
    server up 127.0.0.1:${p.ok} check inter 150ms
    server down 127.0.0.1:${p.dead} check inter 150ms
    server unchecked 127.0.0.1:${p.dead}
`;
}

/** Each server's compared columns from a `show stat` CSV, keyed `backend/server`. */
async function servers(sock: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [key, rec] of parseStatCsv(await statsCommand(sock, "show stat")).lines) {
    if (rec.svname === "FRONTEND" || rec.svname === "BACKEND") continue;
    out[key] = COMPARED.map((c) => `${c}=${rec[c]!}`).join(" ");
  }
  return out;
}

/** Polls both sockets until `done` holds for both (or 5 s pass); the last states read. */
async function settle(
  socks: [string, string],
  done: (s: Record<string, string>) => boolean,
): Promise<[Record<string, string>, Record<string, string>]> {
  let states: [Record<string, string>, Record<string, string>] = [{}, {}];
  for (const deadline = Date.now() + 5000; Date.now() < deadline;) {
    states = [await servers(socks[0]), await servers(socks[1])];
    if (states.every(done)) break;
    await sleep(100);
  }
  return states;
}

/** Which servers answered `n` requests through `port` (their names, sorted, deduplicated). */
async function reached(port: number, n: number): Promise<string[]> {
  const names = new Set<string>();
  for (let i = 0; i < n; i++) {
    const r = await fetch(`http://127.0.0.1:${port}/`);
    names.add(await r.text());
  }
  return [...names].sort();
}

test("health checks on one haproxy.cfg: haproxy and tsproxy (imported) agree in show stat and traffic", async () => {
  const ok = await origin("ok"), flip = await origin("flip");
  const ports = { ok: ok.port, flip: flip.port, dead: await closedPort() };
  const dir = mkdtempSync(join(tmpdir(), "tsproxy-health-diff-"));
  const hSock = join(dir, "haproxy.sock"), iSock = join(dir, "imported.sock");
  flip.health = 500;
  const hap = await startHaproxyConfig(1, ([p]) => haproxyCfg(p!, hSock, ports));
  const imp = await startImported(1, ([p]) => haproxyCfg(p!, iSock, ports));
  try {
    const socks: [string, string] = [hSock, iSock];
    // settled: every checked server has a result and no rise/fall count is under way ("UP 1/2")
    const settled = (s: Record<string, string>) =>
      Object.values(s).every((v) =>
        !/^status=\S+ \d+\/\d+ /.test(v) && !v.includes(IN_PROGRESS) &&
        (v.startsWith("status=no check ") || !v.includes("check_status= "))
      );
    const flipIs = (status: string) => (s: Record<string, string>) =>
      settled(s) && s["web/flip"]?.startsWith(`status=${status} `) === true &&
      s["web/dead"]?.startsWith("status=DOWN ") === true &&
      s["raw/down"]?.startsWith("status=DOWN ") === true;
    // flip answers 500 from the start: down after fall 2, as the dead port and the TCP check
    let [want, got] = await settle(socks, flipIs("DOWN"));
    assert.match(want["web/flip"]!, /status=DOWN check_status=L7STS check_code=500/, "haproxy");
    assert.match(want["web/dead"]!, /status=DOWN check_status=L4CON/, "haproxy");
    assert.deepEqual(got, want);
    assert.deepEqual(await reached(hap.port, 6), ["ok"]);
    assert.deepEqual(await reached(imp.port, 6), ["ok"]);
    // flip heals: up again after rise 2 on both, and takes traffic
    flip.health = 200;
    [want, got] = await settle(socks, flipIs("UP"));
    assert.match(want["web/flip"]!, /status=UP check_status=L7OK check_code=200/, "haproxy");
    assert.deepEqual(got, want);
    assert.deepEqual(await reached(hap.port, 6), ["flip", "ok"]);
    assert.deepEqual(await reached(imp.port, 6), ["flip", "ok"]);
    assert.equal(await get(imp.port, "/"), 200);
  } finally {
    await imp.stop();
    await hap.stop();
    ok.server.close();
    flip.server.close();
  }
});
