/** A server started in DRAIN (drain: true): no balanced traffic, its cookie-persistent users still served, still checked. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type OriginRequest, type RawHttpOrigin, rawHttpOrigin } from "./helpers/http.ts";
import { sleep } from "./helpers/net.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";

function named(name: string): Promise<RawHttpOrigin> {
  return rawHttpOrigin((_req: OriginRequest, sock) => {
    sock.write(`HTTP/1.1 200 OK\r\nContent-Length: ${name.length}\r\n\r\n${name}`);
  });
}

async function get(port: number, cookie?: string): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${port}/`, {
    headers: cookie ? { cookie } : {},
    signal: AbortSignal.timeout(3000),
  });
  return await r.text();
}

for (const rt of RUNTIMES) {
  test(`${rt}: a DRAIN server keeps its cookie-persistent requests, gets no balanced ones, and is checked`, async () => {
    const a = await named("a"), d = await named("d");
    const proxy = await startProxy(
      rt,
      `
global: { log: none }
defaults: { mode: http, timeout: { connect: 1s } }
frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app }
backends:
  app:
    cookie: "SRV insert indirect"
    servers:
      - { name: a, address: "127.0.0.1:${a.port}", cookie: a }
      - { name: d, address: "127.0.0.1:${d.port}", cookie: d, drain: true, check: true, inter: 100ms, fall: 1 }
`,
    );
    try {
      const port = proxy.ports[0]!;
      for (let i = 0; i < 6; i++) assert.equal(await get(port), "a", "no balanced traffic to d");
      for (let i = 0; i < 3; i++) {
        assert.equal(await get(port, "SRV=d"), "d", "the cookie still reaches the DRAIN server");
      }
      await d.close(); // its checks now fail: DOWN, and persistence to it breaks
      const deadline = Date.now() + 3000;
      while (!/Server app\/d is DOWN/.test(proxy.output())) {
        assert.ok(Date.now() < deadline, `d not DOWN; output:\n${proxy.output()}`);
        await sleep(10);
      }
      assert.equal(await get(port, "SRV=d"), "a", "a DOWN DRAIN server's cookie is redispatched");
    } finally {
      await proxy.stop();
      await a.close();
      await d.close().catch(() => {});
    }
  });
}
