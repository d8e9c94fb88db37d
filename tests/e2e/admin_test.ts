/** The control surfaces over real sockets: stats page in a frontend, use-service prometheus-exporter, the API listener, `tsproxy ctl`. */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { rawHttpOrigin, sendRaw, waitForLine } from "./helpers/http.ts";
import { cliCommand, RUNTIMES, startProxy } from "./helpers/proxy.ts";

const TOKEN = "e2e-token-0123456789";
const OPS = { authorization: `Bearer ${TOKEN}` };
const ADMIN = { authorization: `Basic ${btoa("admin:pw")}` };

function config(originPort: number, apiBind = '["127.0.0.1:0"]'): string {
  return `
global:
  api: { bind: ${apiBind}, tokens: [{ name: ops, token: "${TOKEN}" }] }
defaults: { mode: http, timeout: { connect: 1s, client: 1s } }
frontends:
  web:
    bind: ["127.0.0.1:0"]
    defaultBackend: app
    stats: { uri: /stats, refresh: 5s, auth: ["admin:pw"], realm: "Ops Stats", admin: "if LOCALHOST" }
    httpRequest: ["use-service prometheus-exporter if { path /metrics }"]
backends:
  app:
    servers: [{ name: s1, address: "127.0.0.1:${originPort}" }]
`;
}

const get = (
  port: number,
  path: string,
  headers: Record<string, string> = {},
  init: RequestInit = {},
) =>
  fetch(`http://127.0.0.1:${port}${path}`, { headers, signal: AbortSignal.timeout(5000), ...init });

/** Runs `tsproxy ctl ...` under `rt`; resolves with its exit code and output. */
function ctl(
  rt: (typeof RUNTIMES)[number],
  args: string[],
): Promise<{ code: number; out: string; err: string }> {
  const [cmd, argv] = cliCommand(rt, ["ctl", ...args]);
  // Deno asks write permission to connect to a unix socket
  if (rt === "deno") argv.splice(1, 0, "--allow-write");
  return new Promise((res) => {
    const p = spawn(cmd, argv, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    const t = setTimeout(() => p.kill("SIGKILL"), 20_000);
    p.stdout.on("data", (d) => out += d);
    p.stderr.on("data", (d) => err += d);
    p.on("close", (code) => {
      clearTimeout(t);
      res({ code: code ?? -1, out, err });
    });
  });
}

for (const rt of RUNTIMES) {
  test(`${rt}: the stats page, use-service and the API answer locally; auth is enforced and refusals logged`, async () => {
    const origin = await rawHttpOrigin();
    const proxy = await startProxy(rt, config(origin.port), 2);
    try {
      const [web, api] = proxy.ports as [number, number];
      assert.equal((await get(web, "/")).status, 200, "other requests still reach the server");
      // stats: 401 without the configured auth
      const no = await get(web, "/stats");
      assert.equal(no.status, 401);
      assert.equal(no.headers.get("www-authenticate"), 'Basic realm="Ops Stats"');
      const wrong = await get(web, "/stats", { authorization: `Basic ${btoa("admin:x")}` });
      assert.equal(wrong.status, 401);
      const page = await get(web, "/stats", ADMIN);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<html/);
      assert.match(await (await get(web, "/stats;csv", ADMIN)).text(), /^# pxname,svname,/);
      assert.ok(Array.isArray(await (await get(web, "/stats;json", ADMIN)).json()));
      // use-service prometheus-exporter, with ?scope=
      const m = await (await get(web, "/metrics?scope=server")).text();
      assert.match(m, /^haproxy_server_\w+\{proxy="app",server="s1"\} \d+$/m);
      assert.doesNotMatch(m, /haproxy_frontend_/);
      // the answers are logged as the proxy's own (LR), without a server
      await waitForLine(proxy, /web app\/<NOSRV> .* 401 .* LR-- .*"GET \/stats HTTP\/1.1"/);
      // the API: no token, a wrong token → 401 and a log line without the token
      assert.equal((await get(api, "/api/backends")).status, 401);
      assert.equal(
        (await get(api, "/api/backends", { authorization: "Bearer not-the-token" })).status,
        401,
      );
      await waitForLine(proxy, /refused GET \/api\/backends from 127\.0\.0\.1: no credentials/);
      await waitForLine(proxy, /refused GET \/api\/backends from 127\.0\.0\.1: wrong token/);
      assert.doesNotMatch(proxy.output(), /not-the-token/);
      const list = await get(api, "/api/backends", OPS);
      assert.equal(list.status, 200);
      assert.deepEqual((await list.json()).map((b: { name: string }) => b.name), ["app"]);
      const s1 = await (await get(api, "/api/backends/app/servers/s1", OPS)).json();
      assert.equal(s1.name, "s1");
      assert.match(await (await get(api, "/metrics", OPS)).text(), /haproxy_backend_/);
      assert.match(await (await get(api, "/stats.csv", OPS)).text(), /^# pxname/);
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: a local service's request body is bounded (413), pipelined requests are answered in order, a stalled body is cut by timeout client`, async () => {
    const origin = await rawHttpOrigin();
    const proxy = await startProxy(rt, config(origin.port), 2);
    try {
      const [web, api] = proxy.ports as [number, number];
      const auth = `Authorization: Basic ${btoa("admin:pw")}\r\n`;
      const big = await sendRaw(
        web,
        `POST /stats HTTP/1.1\r\nHost: a\r\n${auth}Content-Length: 2000000\r\n\r\n`,
      );
      assert.match(big.data.toString("latin1"), /^HTTP\/1.1 413 /);
      const two = `GET /stats;csv HTTP/1.1\r\nHost: a\r\n${auth}\r\n`;
      const last =
        `GET /api/backends HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`;
      const piped = await sendRaw(
        web,
        two + two.replace("Host: a\r\n", "Host: a\r\nConnection: close\r\n"),
      );
      assert.equal(piped.data.toString("latin1").match(/HTTP\/1.1 200 OK/g)?.length, 2);
      const apiPiped = await sendRaw(api, last.replace("Connection: close\r\n", "") + last);
      assert.equal(apiPiped.data.toString("latin1").match(/HTTP\/1.1 200 OK/g)?.length, 2);
      const t0 = Date.now();
      const stalled = await sendRaw(
        web,
        `POST /stats HTTP/1.1\r\nHost: a\r\n${auth}Content-Length: 10\r\n\r\nab`,
        4000,
      );
      assert.equal(stalled.closed, true, "closed by the proxy");
      assert.ok(Date.now() - t0 < 3500, `cut after ${Date.now() - t0} ms (timeout client 1s)`);
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: the API listener binds loopback (127.0.0.1:9100) when no bind is given`, async () => {
    const origin = await rawHttpOrigin();
    const yaml = config(origin.port).replace(`bind: ["127.0.0.1:0"], tokens`, "tokens");
    const proxy = await startProxy(rt, yaml, 2);
    try {
      await waitForLine(proxy, /frontend api listening on 127\.0\.0\.1:9100/);
      assert.equal((await get(9100, "/api/backends")).status, 401);
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: tsproxy ctl -s sends one line to the CLI socket and prints the answer; --url with a wrong token fails`, async () => {
    const path = join(mkdtempSync(join(tmpdir(), "tsproxy-ctl-")), "cli.sock");
    const got: string[] = [];
    const server = createServer((sock) => {
      let line = "";
      sock.on("data", (d) => {
        line += d;
        if (line.endsWith("\n")) {
          got.push(line);
          sock.end("# pxname,svname\napp,s1\n\n");
        }
      });
    });
    await new Promise<void>((r) => server.listen(path, r));
    const origin = await rawHttpOrigin();
    const proxy = await startProxy(rt, config(origin.port), 2);
    try {
      const r = await ctl(rt, ["-s", path, "show", "stat"]);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out, "# pxname,svname\napp,s1\n\n");
      assert.deepEqual(got, ["show stat\n"]);
      const api = proxy.ports[1]!;
      const bad = await ctl(rt, [
        "--url",
        `http://127.0.0.1:${api}`,
        "--token",
        "wrong",
        "show",
        "info",
      ]);
      assert.equal(bad.code, 1);
      assert.match(bad.err, /401/);
    } finally {
      await proxy.stop();
      await origin.close();
      server.close();
    }
  });

  test(
    `${rt}: changes through the API, the stats form and ctl --url run as commands logged with who made them`,
    async () => {
      const origin = await rawHttpOrigin();
      const proxy = await startProxy(rt, config(origin.port), 2);
      try {
        const [web, api] = proxy.ports as [number, number];
        const patch = await get(api, "/api/backends/app/servers/s1", {
          ...OPS,
          "content-type": "application/json",
        }, {
          method: "PATCH",
          body: JSON.stringify({ state: "drain", weight: 10 }),
        });
        assert.equal(patch.status, 200, await patch.text());
        await waitForLine(proxy, /api token ops@127\.0\.0\.1/);
        const form = await get(web, "/stats", {
          ...ADMIN,
          "content-type": "application/x-www-form-urlencoded",
        }, {
          method: "POST",
          body: "s=s1&action=maint&b=app",
          redirect: "manual",
        });
        assert.equal(form.status, 303);
        assert.equal(form.headers.get("location"), "/stats;st=DONE");
        await waitForLine(proxy, /stats admin@127\.0\.0\.1/);
        const r = await ctl(rt, [
          "--url",
          `http://127.0.0.1:${api}`,
          "--token",
          TOKEN,
          "set",
          "server",
          "app/s1",
          "state",
          "ready",
        ]);
        assert.equal(r.code, 0, r.err);
        const info = await get(api, "/api/commands", OPS, {
          method: "POST",
          body: JSON.stringify({ command: "show info" }),
        });
        assert.match(await info.text(), /Name: /);
      } finally {
        await proxy.stop();
        await origin.close();
      }
    },
  );
}
