/** http-request tarpit, silent-drop and reject end to end: timing, status, what the client and the origin see, the log. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";
import { header, RawClient, rawHttpOrigin, waitForLine } from "./helpers/http.ts";
import net from "node:net";
import { echoServer } from "./helpers/net.ts";

function config(port: number, tcpPort: number): string {
  return `
global: { hardStopAfter: 1s }
defaults:
  mode: http
  timeout: { connect: 2s, client: 10s, server: 10s, tarpit: 500ms }
frontends:
  web:
    bind: ["127.0.0.1:0"]
    httpRequest:
      - tarpit deny_status 429 if { path /tarpit }
      - silent-drop if { path /drop }
      - reject if { path /reject }
    defaultBackend: app
  raw:
    bind: ["127.0.0.1:0", "127.0.0.2:0"]
    mode: tcp
    tcpRequest:
      - connection silent-drop if { dst 127.0.0.2 }
      - inspect-delay 2s
      - content silent-drop if { req.payload(0,4) -m str DROP }
      - content accept if { req.len ge 4 }
    defaultBackend: echo
backends:
  app:
    servers: [{ name: s1, address: "127.0.0.1:${port}" }]
  echo:
    mode: tcp
    servers: [{ name: e1, address: "127.0.0.1:${tcpPort}" }]
`;
}

/** Sends a request on a fresh connection; resolves with the bytes seen and how the connection ended. */
async function dropped(port: number, path: string, host = "127.0.0.1", raw?: string) {
  const s = net.connect({ host, port, allowHalfOpen: true });
  // a connection dropped at accept may be reset before the client sees its connect: that reset,
  // with no byte, is the outcome too
  const early = await new Promise<string | null>((resolve) =>
    s.once("connect", () => resolve(null)).once(
      "error",
      (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"),
    )
  );
  if (early !== null) {
    s.destroy();
    return { how: early, bytes: 0 };
  }
  let bytes = 0;
  s.on("data", (d: Buffer) => (bytes += d.length));
  const ended = new Promise<string>((resolve) => {
    const t = setTimeout(() => resolve("timeout"), 5000);
    s.on("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(t);
      resolve(e.code ?? "error");
    });
    s.on("end", () => {
      clearTimeout(t);
      resolve("EOF");
    });
  });
  s.write(raw ?? `GET ${path} HTTP/1.1\r\nHost: h\r\n\r\n`);
  const how = await ended;
  s.destroy();
  return { how, bytes };
}

for (const rt of RUNTIMES) {
  test(`${rt}: tarpit holds for timeout tarpit then answers; silent-drop and reject cut with no byte`, async () => {
    const origin = await rawHttpOrigin();
    const echo = await echoServer();
    const proxy = await startProxy(rt, config(origin.port, echo.port), 3);
    try {
      // tarpit: the answer comes after timeout tarpit, with the status, and the connection closes
      const c = await RawClient.open(proxy.ports[0]!);
      const t0 = Date.now();
      c.write("GET /tarpit HTTP/1.1\r\nHost: h\r\n\r\n");
      const r = await c.response({ timeoutMs: 3000 });
      const held = Date.now() - t0;
      assert.equal(r.status, 429);
      assert.equal(header(r, "connection"), "close");
      assert.ok(held >= 450 && held < 2000, `held ${held} ms`);
      assert.equal(await c.waitClosed(2000), true);
      c.destroy();
      const line = await waitForLine(proxy, / 429 .*PT.* "GET \/tarpit HTTP\/1\.1"/);
      // as HAProxy, the time held is logged as Tw
      const tw = Number(/ \d+\/(\d+)\/-1\/-1\/\d+ 429 /.exec(line)?.[1]);
      assert.ok(tw >= 450 && tw < 2000, `Tw ${tw} in ${line}`);

      // a client that leaves during the tarpit ends it: CT
      const gone = await RawClient.open(proxy.ports[0]!);
      gone.write("GET /tarpit HTTP/1.1\r\nHost: h\r\n\r\n");
      await new Promise((r) => setTimeout(r, 100));
      gone.destroy();
      await waitForLine(proxy, /CT.* "GET \/tarpit HTTP\/1\.1"/);

      // silent-drop: closed with no response byte (RST on Bun, FIN on Deno)
      const drop = await dropped(proxy.ports[0]!, "/drop");
      assert.equal(drop.bytes, 0);
      assert.ok(["ECONNRESET", "EOF"].includes(drop.how), `silent-drop ended by ${drop.how}`);
      if (rt !== "deno") assert.equal(drop.how, "ECONNRESET");
      await waitForLine(proxy, /PR.* "GET \/drop HTTP\/1\.1"/);

      // reject: closed at once, nothing written
      const rej = await dropped(proxy.ports[0]!, "/reject");
      assert.equal(rej.bytes, 0);
      assert.ok(["ECONNRESET", "EOF"].includes(rej.how), `reject ended by ${rej.how}`);
      await waitForLine(proxy, /PR.* "GET \/reject HTTP\/1\.1"/);

      // tcp-request content and connection silent-drop in a TCP frontend: nothing comes back
      const [, rawPort, dropPort] = proxy.ports as [number, number, number];
      const content = await dropped(rawPort, "", "127.0.0.1", "DROP me");
      assert.equal(content.bytes, 0);
      if (rt !== "deno") assert.equal(content.how, "ECONNRESET");
      else assert.ok(["ECONNRESET", "EOF"].includes(content.how), content.how);
      await waitForLine(proxy, /raw echo\/<NOSRV> .*PR/);
      const conn = await dropped(dropPort, "", "127.0.0.2", "hello");
      assert.equal(conn.bytes, 0);
      if (rt !== "deno") assert.equal(conn.how, "ECONNRESET");
      else assert.ok(["ECONNRESET", "EOF"].includes(conn.how), conn.how);

      // the origin never saw any of them, yet it serves other requests
      assert.equal(origin.received, 0);
      const ok = await RawClient.open(proxy.ports[0]!);
      ok.write("GET /fine HTTP/1.1\r\nHost: h\r\n\r\n");
      assert.equal((await ok.response()).status, 200);
      ok.destroy();
      assert.equal(origin.requests.length, 1);
    } finally {
      await proxy.stop();
      await origin.close();
      await echo.close();
    }
  });
}
