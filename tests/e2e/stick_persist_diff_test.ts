/** Stickiness and connection tracking against haproxy: `stick on src` (mapping, table keys and server_id), `conn_cur` limited at tcp-request connection. */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { HAPROXY_BIN, haproxyAvailable, startHaproxyConfig } from "./helpers/haproxy.ts";
import { sleep } from "./helpers/net.ts";
import { startImported } from "./helpers/imported.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";
import { socat } from "./helpers/socat.ts";

const CLIENTS = ["127.0.0.2", "127.0.0.3", "127.0.0.4"];

/** An HTTP origin answering its name. */
async function nameOrigin(name: string): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => res.writeHead(200).end(name));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** One GET on a new connection from `src`: the body (the origin's name) and the X-Sid the proxy read from its table. */
function get(port: number, src: string): Promise<{ body: string; sid: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: "/", localAddress: src, agent: false, timeout: 5000 },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ body, sid: String(res.headers["x-sid"]) }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`GET from ${src} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/** Client i sends i+1 requests a round (plain round robin would move them); the last answer of each. */
async function run(port: number): Promise<Map<string, { names: Set<string>; sid: string }>> {
  const out = new Map(CLIENTS.map((c) => [c, { names: new Set<string>(), sid: "" }]));
  for (let r = 0; r < 4; r++) {
    for (const [i, c] of CLIENTS.entries()) {
      for (let k = 0; k <= i; k++) {
        const got = await get(port, c);
        out.get(c)!.names.add(got.body);
        out.get(c)!.sid = got.sid;
      }
    }
  }
  return out;
}

const ORIGINS = ["o1", "o2", "o3"];

const HAPROXY_STICK = (port: number, origins: number[], sock: string) => `
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
    default_backend be
backend be
    balance roundrobin
    stick-table type ip size 1k expire 30m
    stick on src
    http-response set-header X-Sid %[src,table_server_id(be)]
${origins.map((p, i) => `    server ${ORIGINS[i]} 127.0.0.1:${p}`).join("\n")}
`;

const TSPROXY_STICK = (origins: number[]) => `
global: { log: none }
defaults: { mode: http, timeout: { connect: 2s, client: 5s, server: 5s } }
frontends:
  fe: { bind: ["127.0.0.1:0"], defaultBackend: be }
backends:
  be:
    balance: roundrobin
    stickTable: { type: ip, size: 1k, expire: 30m }
    stick: ["on src"]
    httpResponse: ["set-header X-Sid %[src,table_server_id(be)]"]
    servers:
${origins.map((p, i) => `      - { name: ${ORIGINS[i]}, address: "127.0.0.1:${p}" }`).join("\n")}
`;

/** Each client's origin and the server_id its table entry holds must agree: the server's id. */
function checkSide(side: string, seen: Map<string, { names: Set<string>; sid: string }>) {
  for (const [c, s] of seen) {
    assert.equal(s.names.size, 1, `${side}: ${c} reached ${[...s.names]}`);
    const id = ORIGINS.indexOf([...s.names][0]!) + 1;
    assert.equal(s.sid, String(id), `${side}: ${c} reached server id ${id}, table says ${s.sid}`);
  }
  assert.equal(new Set([...seen.values()].map((s) => [...s.names][0])).size, 3, side);
}

/** A raw request on a new connection from `src`: "200", or "closed" when the proxy refused it. */
function tryConnection(port: number, src: string): Promise<{ sock: net.Socket; got: string }> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: "127.0.0.1", port, localAddress: src });
    let buf = "";
    const done = (got: string) => resolve({ sock, got });
    sock.setEncoding("utf8");
    sock.on("connect", () => sock.write("GET / HTTP/1.1\r\nhost: x\r\n\r\n"));
    sock.on("data", (d) => {
      buf += d;
      const m = /^HTTP\/1\.1 (\d+)[\s\S]*?\r\n\r\n/.exec(buf);
      if (m) done(`${m[1]} cur=${/x-conn-cur: (\d+)/i.exec(buf)?.[1] ?? "-"}`);
    });
    sock.on("error", () => done("closed"));
    sock.on("close", () => done("closed"));
    sock.setTimeout(3000, () => done("timeout"));
  });
}

/** Two connections held open from .2, then a third from .2 and one from .3; then one of .2's closes and .2 tries again. */
async function connSchedule(port: number): Promise<string[]> {
  const out: string[] = [];
  const a = await tryConnection(port, "127.0.0.2");
  const b = await tryConnection(port, "127.0.0.2");
  const c = await tryConnection(port, "127.0.0.2");
  const d = await tryConnection(port, "127.0.0.3");
  out.push(a.got, b.got, c.got, d.got);
  a.sock.destroy();
  await sleep(200); // the proxy sees the close and lets the entry go
  const e = await tryConnection(port, "127.0.0.2");
  out.push(e.got);
  for (const s of [b, c, d, e]) s.sock.destroy();
  return out;
}

const HAPROXY_CONN = (port: number, origin: number) => `
global
    nbthread 1
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:${port}
    stick-table type ip size 1k expire 30s store conn_cur
    tcp-request connection track-sc0 src
    tcp-request connection reject if { sc_conn_cur(0) gt 2 }
    http-response set-header X-Conn-Cur %[sc0_conn_cur]
    default_backend be
backend be
    server origin 127.0.0.1:${origin}
`;

const TSPROXY_CONN = (origin: number) => `
global: { log: none }
defaults: { mode: http, timeout: { connect: 2s, client: 5s, server: 5s } }
frontends:
  fe:
    bind: ["127.0.0.1:0"]
    defaultBackend: be
    stickTable: { type: ip, size: 1k, expire: 30s, store: [conn_cur] }
    tcpRequest: ["connection track-sc0 src", "connection reject if { sc_conn_cur(0) gt 2 }"]
    httpResponse: ["set-header X-Conn-Cur %[sc0_conn_cur]"]
backends:
  be:
    servers: [{ name: origin, address: "127.0.0.1:${origin}" }]
`;

/** On Bun, tsproxy on the haproxy.cfg imported runs the same schedule too (one runtime is enough). */
const ALSO_IMPORTED = (rt: string) => rt === "bun" ? "; and on the imported haproxy.cfg" : "";

for (const rt of RUNTIMES) {
  test(`stick on src against haproxy (${rt}${ALSO_IMPORTED(rt)}): one origin per client, the table's server_id is its id`, async () => {
    assert.ok(haproxyAvailable(), `${HAPROXY_BIN} is not installed (apt-get install haproxy)`);
    const origins = await Promise.all(ORIGINS.map(nameOrigin));
    const ports = origins.map((o) => o.port);
    const dir = mkdtempSync(join(tmpdir(), "hap-stick-"));
    const sock = join(dir, "hap.sock"), iSock = join(dir, "imported.sock");
    const hap = await startHaproxyConfig(1, ([p]) => HAPROXY_STICK(p!, ports, sock));
    const ts = await startProxy(rt, TSPROXY_STICK(ports));
    const imported = rt === "bun"
      ? await startImported(1, ([p]) => HAPROXY_STICK(p!, ports, iSock))
      : null;
    try {
      const want = await run(hap.port);
      const got = await run(ts.ports[0]!);
      checkSide("haproxy", want);
      checkSide("tsproxy", got);
      // the table: one entry per client, holding the id of the server it reached
      const entries = async (path: string, seen: typeof want) => {
        const table = await socat(path, "show table be");
        const found = [...table.matchAll(/key=(\S+) .*server_id=(\d+)/g)].map((m) =>
          `${m[1]}=${m[2]}`
        );
        assert.deepEqual(found.sort(), CLIENTS.map((c) => `${c}=${seen.get(c)!.sid}`), table);
      };
      await entries(sock, want);
      if (imported) {
        const viaCfg = await run(imported.port);
        checkSide("tsproxy (imported haproxy.cfg)", viaCfg);
        await entries(iSock, viaCfg);
      }
    } finally {
      await ts.stop();
      await imported?.stop();
      await hap.stop();
      await Promise.all(origins.map((o) => o.close()));
    }
  });

  test(`track-sc0 src at tcp-request connection against haproxy (${rt}${ALSO_IMPORTED(rt)}): the 3rd connection from one address is rejected`, async () => {
    assert.ok(haproxyAvailable(), `${HAPROXY_BIN} is not installed (apt-get install haproxy)`);
    const o = await nameOrigin("o");
    const hap = await startHaproxyConfig(1, ([p]) => HAPROXY_CONN(p!, o.port));
    const ts = await startProxy(rt, TSPROXY_CONN(o.port));
    const imported = rt === "bun"
      ? await startImported(1, ([p]) => HAPROXY_CONN(p!, o.port))
      : null;
    try {
      const want = await connSchedule(hap.port);
      const got = await connSchedule(ts.ports[0]!);
      // a, b from .2 (sc0_conn_cur counts the connection itself), c from .2 refused, d from .3, e after a closed
      assert.deepEqual(want, ["200 cur=1", "200 cur=2", "closed", "200 cur=1", "200 cur=2"]);
      assert.deepEqual(got, want);
      if (imported) assert.deepEqual(await connSchedule(imported.port), want, "imported");
    } finally {
      await ts.stop();
      await imported?.stop();
      await hap.stop();
      await o.close();
    }
  });
}
