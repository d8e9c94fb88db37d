/** Binary upgrade (SIGUSR2) under wrk load: the new process takes the listening sockets, nothing is refused or reset, the old one exits once drained; a failed start keeps the old one serving (Deno's successor adopts the sockets through node:net). */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { test } from "node:test";
import tls from "node:tls";
import { makeCa } from "./helpers/certs.ts";
import { rawHttpOrigin, until, waitForLine } from "./helpers/http.ts";
import { sleep } from "./helpers/net.ts";
import { RUNTIMES, startProxy, writeTemp } from "./helpers/proxy.ts";
import { socat } from "./helpers/socat.ts";
import { wrk } from "./helpers/wrk.ts";

function config(origin: number, sock: string): string {
  return `
global: { hardStopAfter: 5s, log: none, statsSocket: { path: "${sock}", level: admin } }
defaults: { mode: http, timeout: { connect: 2s, client: 10s, server: 10s } }
frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app }
backends:
  app: { servers: [{ name: s1, address: "127.0.0.1:${origin}" }] }
`;
}

/** The `Pid:` line of `show info`: which process answers on the stats socket. */
async function pidOf(sock: string): Promise<number> {
  const info = await socat(sock, "show info");
  return Number(/^Pid: (\d+)$/m.exec(info)?.[1] ?? NaN);
}

async function get(port: number): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${port}/`, {
    headers: { connection: "close" },
    signal: AbortSignal.timeout(3000),
  });
  await r.arrayBuffer();
  return r.status;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

for (const rt of RUNTIMES) {
  test(`${rt}: SIGUSR2 under wrk load (keep-alive and a connection per request) loses nothing; the old process exits; a failed start keeps serving`, async () => {
    const origin = await rawHttpOrigin();
    const sock = join(writeTemp("x", ""), "..", "s");
    const proxy = await startProxy(rt, config(origin.port, sock), 1, {}, "tsproxy.yaml", true);
    const file = /-c (\S+)/.exec(proxy.proc.spawnargs.join(" "))![1]!;
    const port = proxy.ports[0]!;
    let newPid = 0;
    try {
      const oldPid = await pidOf(sock);
      assert.equal(oldPid, proxy.proc.pid);
      // on Deno, connections arriving while the new process starts wait in the kernel's queue
      // (deno_handover.ts): on a loaded machine that can outlast wrk's default 2 s timeout
      const load = Promise.all([wrk(port, 5, false, 16, 10), wrk(port, 5, true, 16, 10)]);
      await sleep(1500);
      const from = proxy.output().length;
      proxy.signal("SIGUSR2");
      const line = await waitForLine(proxy, /upgrade: new process \d+ is serving/, {
        from,
        ms: 10_000,
      });
      newPid = Number(/new process (\d+)/.exec(line)![1]);
      assert.notEqual(newPid, oldPid);
      // the old process drains and exits while the load goes on
      const code = await Promise.race([proxy.exited, sleep(8000).then(() => "still running")]);
      assert.equal(code, 0, `the old process exits once its sessions ended:\n${proxy.output()}`);
      assert.equal(await pidOf(sock), newPid, "the stats socket is the new process's");
      const [ka, close] = await load;
      console.log(
        `${rt} upgrade under load: keep-alive ${ka.requests} requests, ${ka.socketErrors} socket ` +
          `errors, ${ka.non2xx} non-2xx; connection per request ${close.requests} requests, ` +
          `${close.socketErrors} socket errors, ${close.non2xx} non-2xx`,
      );
      for (const [what, r] of [["keep-alive", ka], ["connection per request", close]] as const) {
        assert.ok(r.requests > 500, `${what}: load ran (${r.requests} requests)\n${r.text}`);
        assert.equal(r.socketErrors, 0, `${what}: no refused or reset connection\n${r.text}`);
        assert.equal(r.non2xx, 0, `${what}: every answer 2xx\n${r.text}`);
      }
      assert.equal(await get(port), 200, "the new process serves");

      // a new process that cannot start (the config is now invalid) leaves this one serving:
      // by SIGUSR2, and by the `upgrade` command, which answers why
      writeFileSync(file, "frontends: { web: { bind: 12 } }\n");
      const from2 = proxy.output().length;
      process.kill(newPid, "SIGUSR2");
      await waitForLine(proxy, /upgrade failed, still serving: the new process \d+ exited with 1/, {
        from: from2,
        ms: 10_000,
      });
      assert.match(
        await socat(sock, "upgrade", 15_000),
        /^Success=0\n--\nthe new process \d+ exited with 1 before it was ready/,
      );
      assert.match(proxy.output().slice(from2), /bind/, "the new process said what is wrong");
      assert.equal(await get(port), 200);
      assert.equal(await pidOf(sock), newPid);
    } finally {
      if (proxy.proc.exitCode === null) await proxy.stop();
      if (newPid > 0 && alive(newPid)) {
        process.kill(newPid, "SIGTERM");
        await until(() => !alive(newPid), 8000, `process ${newPid} to stop`).catch(() => {
          process.kill(newPid, "SIGKILL");
        });
      }
      origin.close();
    }
  });
}

/** A GET over TLS (any certificate) and a new connection: the answer's body. */
function tlsGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => {
      s.write("GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
    });
    let text = "";
    s.setTimeout(5000, () => s.destroy(new Error(`no answer over TLS on ${port}`)));
    s.on("data", (d: Uint8Array) => (text += new TextDecoder().decode(d)));
    s.on("end", () => resolve(text.slice(text.indexOf("\r\n\r\n") + 4)));
    s.on("error", reject);
  });
}

if (RUNTIMES.includes("deno")) {
  test("deno: SIGUSR2 hands a TLS bind over too (the new process serves it through node:tls), twice", async () => {
    const cert = makeCa().issue("site", "localhost");
    const sock = join(writeTemp("x", ""), "..", "s");
    const proxy = await startProxy(
      "deno",
      `
global: { hardStopAfter: 5s, log: none, statsSocket: { path: "${sock}", level: admin } }
defaults: { mode: http, timeout: { connect: 2s, client: 10s, server: 10s } }
frontends:
  web:
    bind: [{ address: "127.0.0.1:0", tls: { certificates: ["${cert.pemFile}"] } }]
    httpRequest: ["return status 200 content-type text/plain string tls-ok"]
    defaultBackend: app
backends:
  app: { servers: [{ name: s1, address: "127.0.0.1:9" }] }
`,
      1,
      {},
      "tsproxy.yaml",
      true,
    );
    const port = proxy.ports[0]!;
    const pids = [proxy.proc.pid!];
    try {
      assert.equal(await tlsGet(port), "tls-ok");
      for (let n = 1; n <= 2; n++) {
        const from = proxy.output().length;
        process.kill(pids.at(-1)!, "SIGUSR2");
        const line = await waitForLine(proxy, /upgrade: new process \d+ is serving/, {
          from,
          ms: 15_000,
        });
        pids.push(Number(/new process (\d+)/.exec(line)![1]));
        await waitForLine(proxy, /listening on 127\.0\.0\.1:\d+ \(TLS, node:tls\)/, { from });
        await until(() => !alive(pids.at(-2)!), 8000, `process ${pids.at(-2)} to exit`);
        assert.equal(await pidOf(sock), pids.at(-1), `upgrade ${n}: the new process serves`);
        assert.equal(await tlsGet(port), "tls-ok", `upgrade ${n}: TLS on the same port`);
      }
    } finally {
      for (const pid of pids.slice(1)) if (alive(pid)) process.kill(pid, "SIGTERM");
      if (proxy.proc.exitCode === null) await proxy.stop();
    }
  });
}
