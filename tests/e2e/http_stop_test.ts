/** Soft stop in HTTP mode: idle keep-alive connections close at once, a request under way finishes with "connection: close". */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import net from "node:net";
import { test } from "node:test";
import { sleep } from "./helpers/net.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";

function rawGet(sock: net.Socket, path: string): Promise<string> {
  return new Promise((resolve) => {
    let got = "";
    const onData = (d: Buffer) => {
      got += d.toString("latin1");
      const end = got.indexOf("\r\n\r\n");
      const m = /content-length: (\d+)/i.exec(got);
      if (end >= 0 && m && got.length >= end + 4 + Number(m[1])) {
        sock.off("data", onData);
        resolve(got);
      }
    };
    sock.on("data", onData);
    sock.write(`GET ${path} HTTP/1.1\r\nHost: t\r\n\r\n`);
  });
}

for (const rt of RUNTIMES) {
  test(`${rt}: SIGTERM closes idle keep-alive connections now and lets a slow request finish`, async () => {
    const origin = createServer((req, res) => {
      setTimeout(() => res.end("done"), req.url === "/slow" ? 800 : 0);
    });
    await new Promise<void>((r) => origin.listen(0, "127.0.0.1", () => r()));
    const port = (origin.address() as net.AddressInfo).port;
    const proxy = await startProxy(
      rt,
      `
global: { log: none, hardStopAfter: 10s }
defaults: { mode: http }
frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app }
backends:
  app:
    servers:
      - { name: a, address: "127.0.0.1:${port}" }
`,
    );
    try {
      const connect = () => net.connect({ host: "127.0.0.1", port: proxy.ports[0]! });
      const idle = connect(), busy = connect();
      const idleClosed = new Promise((r) => idle.on("close", r));
      assert.match(await rawGet(idle, "/fast"), /^HTTP\/1\.1 200/);
      const slow = rawGet(busy, "/slow");
      await sleep(200);
      const t0 = Date.now();
      proxy.signal("SIGTERM");
      await idleClosed;
      assert.ok(
        Date.now() - t0 < 500,
        `the idle connection closed ${Date.now() - t0}ms after SIGTERM`,
      );
      const answer = await slow;
      assert.match(answer, /^HTTP\/1\.1 200/);
      assert.match(answer, /\r\nconnection: close\r\n/i);
      assert.match(answer, /done$/);
      assert.equal(await proxy.exited, 0);
      assert.ok(Date.now() - t0 < 3000, "the proxy exited soon after the last response");
      busy.destroy();
    } finally {
      await proxy.stop();
      origin.close();
    }
  });
}
