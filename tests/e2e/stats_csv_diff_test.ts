/** Differential against Debian's haproxy 2.6: `show stat` CSV header and the columns both fill, after the same requests through both. */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { renderCsv } from "../../src/stats/render/mod.ts";
import type { ProxyHandle } from "../../src/proxy/proxy.ts";
import { haproxyAvailable, type RunningHaproxy, startHaproxyConfig } from "./helpers/haproxy.ts";
import { type RunningCfg, startImported } from "./helpers/imported.ts";
import { closedPort } from "./helpers/net.ts";
import { get, parseStatCsv, raw, startInProcess, statsCommand } from "./helpers/stats.ts";

/** The columns compared line by line after the traffic. */
const COMPARED = ["stot", "hrsp_2xx", "hrsp_4xx", "status", "weight", "act", "bck", "ereq"];

let origin: Server;
let originPort = 0;
let deadPort = 0;
let haproxy: RunningHaproxy;
let sock = "";
let tsproxy: ProxyHandle;
/** tsproxy (Bun, its own process) on the same haproxy.cfg imported, read through its stats socket. */
let imported: RunningCfg;
let importedSock = "";

/** The haproxy.cfg haproxy runs, and tsproxy runs imported (with its own socket). */
function haproxyCfg(port: number, socket: string): string {
  return `
global
    nbthread 1
    maxconn 1000
    stats socket ${socket} level admin
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
    server s1 127.0.0.1:${originPort}
    server s2 127.0.0.1:${originPort} weight 2
    server s3 127.0.0.1:${deadPort} backup
`;
}

/** The `show stat` CSV of each tsproxy: on the hand-written YAML, and on the imported haproxy.cfg. */
const OURS: [string, () => string | Promise<string>][] = [
  ["YAML", () => renderCsv(tsproxy)],
  ["imported haproxy.cfg", () => statsCommand(importedSock, "show stat")],
];

before(async () => {
  origin = createServer((req, res) => {
    res.writeHead(req.url === "/missing" ? 404 : 200, { "content-type": "text/plain" });
    res.end("ok\n");
  });
  await new Promise<void>((r) => origin.listen(0, "127.0.0.1", r));
  originPort = (origin.address() as { port: number }).port;
  deadPort = await closedPort();
  const dir = mkdtempSync(join(tmpdir(), "tsproxy-stats-"));
  sock = join(dir, "stats.sock");
  importedSock = join(dir, "imported.sock");
  haproxy = await startHaproxyConfig(1, ([port]) => haproxyCfg(port!, sock));
  imported = await startImported(1, ([port]) => haproxyCfg(port!, importedSock));
  tsproxy = await startInProcess(`
global: { maxconn: 1000 }
defaults:
  mode: http
  timeout: { connect: 2s, client: 5s, server: 5s }
frontends:
  fe: { bind: ["127.0.0.1:0"], defaultBackend: be }
backends:
  be:
    balance: roundrobin
    servers:
      - { name: s1, address: "127.0.0.1:${originPort}" }
      - { name: s2, address: "127.0.0.1:${originPort}", weight: 2 }
      - { name: s3, address: "127.0.0.1:${deadPort}", backup: true }
`);
  // the same traffic through both: 7 answered, 3 not found at the origin, one malformed request;
  // startHaproxyConfig's readiness probe opened and closed one connection: tsproxy gets one too
  await raw(tsproxy.binds[0]!.port, "");
  await raw(imported.port, "");
  for (const port of [haproxy.port, tsproxy.binds[0]!.port, imported.port]) {
    for (let i = 0; i < 10; i++) {
      assert.equal(await get(port, i < 3 ? "/missing" : "/"), i < 3 ? 404 : 200);
    }
    assert.match(
      await raw(port, "GET / HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n"),
      /^HTTP\/1\.[01] 400/,
    );
  }
}, { timeout: 60_000 });

after(async () => {
  await tsproxy?.shutdown();
  await imported?.stop();
  await haproxy?.stop();
  origin?.close();
});

test("stats CSV: haproxy is available", () => assert.ok(haproxyAvailable()));

for (const [config, csv] of OURS) {
  test(`stats CSV (${config}): the header is HAProxy 2.6's, column for column`, async () => {
    const theirs = parseStatCsv(await statsCommand(sock, "show stat"));
    const ours = parseStatCsv(await csv());
    assert.equal(ours.header, theirs.header);
  });

  test(`stats CSV (${config}): the same lines in the same order`, async () => {
    const theirs = parseStatCsv(await statsCommand(sock, "show stat"));
    const ours = parseStatCsv(await csv());
    assert.deepEqual([...ours.lines.keys()], [...theirs.lines.keys()]);
  });

  for (const line of ["fe/FRONTEND", "be/s1", "be/s2", "be/s3", "be/BACKEND"]) {
    test(`stats CSV (${config}): ${line} agrees on ${COMPARED.join(", ")}`, async () => {
      const theirs = parseStatCsv(await statsCommand(sock, "show stat")).lines.get(line)!;
      const ours = parseStatCsv(await csv()).lines.get(line)!;
      const pick = (r: Record<string, string>) =>
        Object.fromEntries(COMPARED.map((c) => [c, r[c]]));
      assert.deepEqual(pick(ours), pick(theirs));
    });
  }

  test(`stats CSV (${config}): the traffic was counted (a comparison of zeros proves nothing)`, async () => {
    const ours = parseStatCsv(await csv()).lines;
    assert.equal(ours.get("be/BACKEND")!.stot, "10");
    assert.equal(ours.get("fe/FRONTEND")!.ereq, "2"); // the probe and the malformed request
  });
}
