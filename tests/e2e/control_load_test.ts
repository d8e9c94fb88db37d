/**
 * Under load (wrk, 64 connections, 20 s): drain, maint, weight 0, add server, enable server and
 * del server issued through the CLI socket during the run fail no request, and the per-origin
 * request counts show each change taking effect.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type Origin, sleep, tcpServer } from "./helpers/net.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";
import { socat } from "./helpers/socat.ts";

/** An origin answering every request head with a tiny 200 (keep-alive), counting them. */
async function countingOrigin(): Promise<Origin & { readonly count: number }> {
  let count = 0;
  const reply = Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  const o = await tcpServer((sock) => {
    let tail = "";
    sock.on("data", (d: Buffer) => {
      const text = tail + d.toString("latin1");
      let at = 0, i: number;
      while ((i = text.indexOf("\r\n\r\n", at)) >= 0) {
        count++;
        sock.write(reply);
        at = i + 4;
      }
      tail = text.slice(at);
    });
    sock.on("end", () => sock.end());
    sock.on("error", () => {});
  });
  // a getter (Object.assign would copy the value once)
  return Object.defineProperty(o, "count", { get: () => count }) as Origin & {
    readonly count: number;
  };
}

interface WrkResult {
  readonly requests: number;
  readonly failed: number;
  readonly text: string;
}

function wrk(port: number, seconds: number): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    const p = spawn("wrk", ["-t2", "-c64", `-d${seconds}s`, `http://127.0.0.1:${port}/`]);
    let text = "";
    p.stdout.on("data", (d: Buffer) => (text += d.toString()));
    p.stderr.on("data", (d: Buffer) => (text += d.toString()));
    p.on("error", reject);
    p.on("exit", () => {
      const requests = Number(text.match(/(\d+) requests in/)?.[1] ?? -1);
      const non2xx = Number(text.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0);
      const sockErr = text.match(
        /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/,
      );
      const errs = sockErr ? sockErr.slice(1).reduce((s, n) => s + Number(n), 0) : 0;
      resolve({ requests, failed: non2xx + errs, text });
    });
  });
}

for (const rt of RUNTIMES) {
  test(`${rt}: server changes under wrk load fail no request and take effect at once`, async () => {
    const origins = {
      a: await countingOrigin(),
      b: await countingOrigin(),
      c: await countingOrigin(),
    };
    const sock = join(mkdtempSync(join(tmpdir(), "tsproxy-cli-load-")), "tsproxy.sock");
    const proxy = await startProxy(
      rt,
      `
global: { log: none, statsSocket: { path: "${sock}" } }
defaults: { mode: http, timeout: { connect: 1s, client: 10s, server: 10s } }
frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app }
backends:
  app:
    balance: roundrobin
    servers:
      - { name: a, address: "127.0.0.1:${origins.a.port}" }
      - { name: b, address: "127.0.0.1:${origins.b.port}" }
`,
    );
    const cli = async (line: string, want = "\n") =>
      assert.equal(await socat(sock, line), want, line);
    const counts = () => ({ a: origins.a.count, b: origins.b.count, c: origins.c.count });
    /** Counts over `ms`, starting `settle` ms after a change (requests already sent finish first). */
    const window = async (ms = 1500, settle = 300) => {
      await sleep(settle);
      const before = counts();
      await sleep(ms);
      const after = counts();
      return { a: after.a - before.a, b: after.b - before.b, c: after.c - before.c };
    };
    try {
      const run = wrk(proxy.ports[0]!, 20);
      const phases: Record<string, { a: number; b: number; c: number }> = {};
      phases.start = await window(1000, 500);
      await cli("set server app/b state drain");
      phases.drainB = await window();
      await cli("set server app/b state ready; set server app/a state maint", "\n\n");
      phases.maintA = await window();
      await cli("set server app/a state ready; set weight app/b 0", "\n\n");
      phases.weight0B = await window();
      await cli("set weight app/b 1");
      await cli(`add server app/c 127.0.0.1:${origins.c.port}`, "New server registered.\n\n");
      phases.addedC = await window();
      await cli("enable server app/c");
      phases.enabledC = await window();
      await cli("disable server app/c");
      phases.disabledC = await window();
      let answer = "";
      for (let i = 0; i < 50 && answer !== "Server deleted.\n\n"; i++) {
        answer = await socat(sock, "del server app/c");
        if (answer !== "Server deleted.\n\n") await sleep(100);
      }
      assert.equal(answer, "Server deleted.\n\n");
      phases.deletedC = await window();
      const result = await run;
      const p = phases;
      const table = JSON.stringify(p);
      assert.ok(p.start!.a > 0 && p.start!.b > 0 && p.start!.c === 0, table);
      assert.ok(p.drainB!.b === 0 && p.drainB!.a > 0, `drain: ${table}`);
      assert.ok(p.maintA!.a === 0 && p.maintA!.b > 0, `maint: ${table}`);
      assert.ok(p.weight0B!.b === 0 && p.weight0B!.a > 0, `weight 0: ${table}`);
      assert.ok(p.addedC!.c === 0 && p.addedC!.a > 0 && p.addedC!.b > 0, `added (MAINT): ${table}`);
      assert.ok(p.enabledC!.c > 0 && p.enabledC!.a > 0 && p.enabledC!.b > 0, `enabled: ${table}`);
      assert.ok(p.disabledC!.c === 0, `disabled: ${table}`);
      assert.ok(p.deletedC!.c === 0 && p.deletedC!.a > 0 && p.deletedC!.b > 0, `deleted: ${table}`);
      assert.ok(result.requests > 1000, result.text);
      assert.equal(result.failed, 0, result.text);
      console.log(`${rt}: ${result.requests} requests in 20 s, 0 failed; per phase: ${table}`);
    } finally {
      await proxy.stop();
      for (const o of Object.values(origins)) await o.close();
    }
  });
}
