/**
 * HTTP/2 streams' timeouts end to end, on Deno, Bun and the binary: the streams' deadlines are
 * kept by their connection's one clock, so a stream whose server never answers still gets its 504
 * at `timeout server` while the next stream on the same connection is answered.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { GET, RawH2 } from "./helpers/h2raw.ts";
import { rawHttpOrigin } from "./helpers/http.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";

function config(originPort: number): string {
  return `
global: { hardStopAfter: 2s }
defaults:
  mode: http
  timeout: { connect: 2s, client: 20s, server: 400ms }
frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app }
backends:
  app:
    servers:
      - { name: origin, address: "127.0.0.1:${originPort}" }
`;
}

for (const rt of RUNTIMES) {
  test(
    `${rt}: an h2 stream whose server is silent gets 504 at timeout server; the connection goes on`,
    {
      timeout: 60_000,
    },
    async () => {
      const origin = await rawHttpOrigin((req, sock) => {
        if (req.target === "/hang") return; // read, never answered
        sock.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
      });
      const proxy = await startProxy(rt, config(origin.port));
      const c = await RawH2.open(proxy.ports[0]!);
      try {
        const t0 = Date.now();
        const get = (path: string): [string, string][] =>
          GET.map(([n, v]) => [n, n === ":path" ? path : v]);
        c.send(c.headers(1, get("/hang")), c.headers(3, get("/ok")));
        assert.ok(await c.until(() => c.status(3) !== null, 3000), "the other stream is answered");
        assert.equal(c.status(3), "200");
        assert.equal(c.status(1), null, "the silent server's stream waits");
        assert.ok(await c.until(() => c.status(1) !== null, 5000), "the silent stream ends");
        const ms = Date.now() - t0;
        assert.equal(c.status(1), "504");
        assert.ok(ms >= 350 && ms < 5000, `504 after ${ms} ms (timeout server 400ms)`);
        c.send(c.headers(5, get("/ok")));
        assert.ok(await c.until(() => c.status(5) !== null, 3000), "the connection goes on");
        assert.equal(c.status(5), "200");
        assert.equal(c.closed, false);
      } catch (err) {
        console.log(proxy.output());
        throw err;
      } finally {
        await proxy.stop();
        origin.close();
      }
    },
  );
}
