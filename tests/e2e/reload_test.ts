/** In-process reload under load: SIGHUP alternating two configs (server added/removed, rule changed, frontend added) loses nothing; an invalid config changes nothing; MAINT, DOWN and a stick-table rate survive; USR1 (USR2: upgrade_test.ts). */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { until, waitForLine } from "./helpers/http.ts";
import { named, reloadRig } from "./helpers/reload.ts";
import { sleep } from "./helpers/net.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";
import { socat } from "./helpers/socat.ts";
import { WsClient } from "./helpers/ws.ts";
import { wrk } from "./helpers/wrk.ts";

async function get(port: number, path: string, headers: Record<string, string> = {}) {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers: { connection: "close", ...headers },
    signal: AbortSignal.timeout(3000),
  });
  return { status: r.status, body: await r.text() };
}

/** A server's status column in `show stat` (UP, DOWN, MAINT, ...). */
async function status(sock: string, be: string, srv: string): Promise<string> {
  const csv = (await socat(sock, "show stat")).split("\n");
  const cols = csv[0]!.replace(/^# /, "").split(",");
  const row = csv.find((l) => l.startsWith(`${be},${srv},`));
  if (!row) throw new Error(`show stat has no ${be}/${srv}:\n${csv.join("\n")}`);
  return row.split(",")[cols.indexOf("status")]!;
}

for (const rt of RUNTIMES) {
  test(`${rt}: 10 SIGHUP reloads under wrk load and a WebSocket lose nothing; each config takes effect; state survives`, async () => {
    const rig = await reloadRig(rt, "tsproxy-reload-e2e-");
    const { o2, o3, p, cfgA, cfgB, proxy, file, port } = rig;
    try {
      // state to carry: m1 in MAINT, d1 DOWN by its check, a rate of 3 for user "probe"
      assert.equal(await socat(p.sock, "set server aux/m1 state maint"), "\n");
      for (let i = 0; i < 100 && (await status(p.sock, "aux", "d1")) !== "DOWN"; i++) {
        await sleep(50);
      }
      assert.equal(await status(p.sock, "aux", "d1"), "DOWN");
      for (let i = 1; i <= 3; i++) {
        assert.equal((await get(port, "/rate", { "x-user": "probe" })).body, String(i));
      }

      // on Bun each reload checks the config in a child process (0.25-0.45 s quiet, over 1 s on a
      // busy machine: src/cli/config_apart.ts): the load lasts past the tenth reload
      const secs = rt === "deno" ? 9 : 20;
      const load = [wrk(port, secs, false), wrk(port, secs, true)];
      // a WebSocket exchanging a message every 10 ms through every reload
      const ws = await WsClient.open(`ws://127.0.0.1:${port}/ws`);
      let exchanged = 0, wsError: unknown = null, wsRunning = true;
      const chat = (async () => {
        try {
          while (wsRunning) {
            ws.ws.send(`m${exchanged}`);
            assert.equal(await ws.next(3000), `echo:m${exchanged}`);
            exchanged++;
            await sleep(10);
          }
        } catch (err) {
          wsError = err;
        }
      })();
      await sleep(500);
      let applied = 0, which: "A" | "B" = "A";
      const counts = () => ({ o2: o2.requests.length, o3: o3.requests.length });
      for (let n = 1; n <= 10; n++) {
        which = which === "A" ? "B" : "A";
        writeFileSync(file, which === "A" ? cfgA : cfgB);
        const from = proxy.output().length;
        proxy.signal("SIGHUP");
        await waitForLine(proxy, /reload: .* applied/, { from, ms: 5000 });
        applied++;
        assert.equal(
          (await get(port, "/gen")).body,
          which,
          `reload ${n}: the rule is config ${which}'s`,
        );
        if (which === "B") {
          const line = await waitForLine(proxy, /frontend extra: listening on/, { from });
          const extra = Number(/:(\d+)$/.exec(line.trim())![1]);
          assert.equal((await get(extra, "/gen")).status, 200, "the added frontend serves");
        }
        assert.equal(await status(p.sock, "aux", "m1"), "MAINT", `reload ${n}: MAINT kept`);
        assert.equal(await status(p.sock, "aux", "d1"), "DOWN", `reload ${n}: DOWN kept`);
        if (n === 1) {
          assert.equal((await get(port, "/rate", { "x-user": "probe" })).body, "4", "rate kept");
        }
        // in-flight requests finish on the old generation: measure once they are done
        await sleep(150);
        const before = counts();
        await sleep(400);
        const after = counts();
        const gone: "o2" | "o3" = which === "A" ? "o3" : "o2";
        const added: "o2" | "o3" = which === "A" ? "o2" : "o3";
        assert.equal(after[gone], before[gone], `reload ${n}: removed server ${gone} gets nothing`);
        assert.ok(after[added] > before[added], `reload ${n}: added server ${added} gets traffic`);

        if (n === 5) {
          // an invalid config in the middle: logged, and the running one (B) stays
          writeFileSync(file, cfgA.replace("defaultBackend: app", "defaultBackend: nope"));
          const bad = proxy.output().length;
          proxy.signal("SIGHUP");
          await waitForLine(proxy, /reload failed: the running configuration stays/, { from: bad });
          assert.match(proxy.output().slice(bad), /reload: .*nope/);
          assert.equal((await get(port, "/gen")).body, which, "the invalid config changed nothing");
        }
      }
      const [ka, cl] = await Promise.all(load);
      wsRunning = false;
      await chat;
      assert.equal(wsError, null, `the WebSocket across reloads: ${wsError}`);
      assert.equal(ws.closeCode, null, "the WebSocket stayed open");
      assert.ok(exchanged > 200, `WebSocket messages exchanged: ${exchanged}`);
      ws.ws.close();
      assert.equal(applied, 10);
      assert.ok(ka!.requests > 100 && cl!.requests > 100, `wrk ran:\n${ka!.text}\n${cl!.text}`);
      assert.equal(ka!.non2xx + cl!.non2xx, 0, `non-2xx:\n${ka!.text}\n${cl!.text}`);
      assert.equal(ka!.socketErrors + cl!.socketErrors, 0, `errors:\n${ka!.text}\n${cl!.text}`);
      console.log(
        `${rt}: keep-alive ${ka!.requests} requests, connection-per-request ${cl!.requests}, ` +
          `${exchanged} WebSocket messages, 10 reloads, 0 non-2xx, 0 socket errors`,
      );
    } finally {
      await rig.close();
    }
  });
}

for (const rt of RUNTIMES) {
  // SIGUSR2 (binary upgrade, never a kill) is tests/e2e/upgrade_test.ts's
  test(`${rt}: SIGUSR1 reopens the access log file`, async () => {
    const origin = await named("o");
    const dir = mkdtempSync(join(tmpdir(), "tsproxy-signals-e2e-"));
    const log = join(dir, "access.log");
    const proxy = await startProxy(
      rt,
      `
global: { log: "${log}" }
defaults: { mode: http, timeout: { connect: 2s, client: 10s, server: 10s } }
frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app }
backends:
  app: { servers: [{ name: s1, address: "127.0.0.1:${origin.port}" }] }
`,
    );
    const port = proxy.ports[0]!;
    try {
      assert.equal((await get(port, "/one")).status, 200);
      await until(() => readable(log).includes("/one"), 3000, "the first line in the log file");
      renameSync(log, log + ".1"); // logrotate's move
      proxy.signal("SIGUSR1");
      await waitForLine(proxy, /SIGUSR1 received: reopening the log files/);
      assert.equal((await get(port, "/two")).status, 200);
      await until(() => readable(log).includes("/two"), 3000, "a new file at the log's path");
      assert.ok(!readable(log).includes("/one") && readable(log + ".1").includes("/one"));
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });
}

function readable(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
