/** A backend's own tcpRequest content rules: in TCP mode on the payload after the frontend's rules chose it, in HTTP mode on each request. */
import assert from "node:assert/strict";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { test } from "node:test";
import { echoServer, exchange } from "./helpers/net.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";

/** One GET from `src` on a new connection: the status, or "closed" when the proxy cut it. */
function get(port: number, src: string): Promise<string> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: "/", localAddress: src, agent: false, timeout: 3000 },
      (res) => {
        res.resume();
        res.on("end", () => resolve(String(res.statusCode)));
      },
    );
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve("closed"));
    req.end();
  });
}

for (const rt of RUNTIMES) {
  test(`backend tcpRequest content (${rt}): TCP payload inspected after the frontend's rules`, async () => {
    const echo = await echoServer();
    const p = await startProxy(
      rt,
      `
global: { log: none }
defaults: { mode: tcp, timeout: { connect: 1s, client: 5s, server: 5s } }
frontends:
  fe:
    bind: ["127.0.0.1:0"]
    defaultBackend: be
    tcpRequest: ["inspect-delay 2s", "content accept if { req.len ge 2 }"]
backends:
  be:
    tcpRequest: ["inspect-delay 2s", "content reject if { req.payload(0,4) -m str QUIT }",
      "content accept if { req.len ge 4 }"]
    servers: [{ name: echo, address: "127.0.0.1:${echo.port}" }]
`,
    );
    try {
      const port = p.ports[0]!;
      const ok = await exchange(port, "HELO world");
      assert.equal(ok.data.toString(), "HELO world");
      const refused = await exchange(port, "QUIT now");
      assert.equal(refused.data.length, 0, `QUIT got ${refused.data}`);
      // the frontend accepts at 2 bytes; the backend's rule waits for its 4 (sent late)
      const late = await new Promise<string>((resolve, reject) => {
        const s = net.connect({ host: "127.0.0.1", port });
        let got = "";
        s.on("data", (d) => (got += d));
        s.on("close", () => resolve(got));
        s.on("error", reject);
        s.on("connect", () => {
          s.write("QU");
          setTimeout(() => s.end("IT"), 300);
        });
      });
      assert.equal(
        late,
        "",
        "the backend's reject saw the bytes that came after the frontend decided",
      );
    } finally {
      await p.stop();
      await echo.close();
    }
  });

  test(`backend tcpRequest content (${rt}): HTTP requests refused by the backend's rule`, async () => {
    const origin = http.createServer((_q, r) => r.writeHead(200).end("ok"));
    await new Promise<void>((r) => origin.listen(0, "127.0.0.1", r));
    const o = (origin.address() as AddressInfo).port;
    const p = await startProxy(
      rt,
      `
global: { log: none }
defaults: { mode: http, timeout: { connect: 1s, client: 5s, server: 5s } }
frontends:
  fe: { bind: ["127.0.0.1:0"], defaultBackend: be }
backends:
  be:
    tcpRequest: ["content reject if { src 127.0.0.3 }"]
    servers: [{ name: o, address: "127.0.0.1:${o}" }]
`,
    );
    try {
      assert.deepEqual(
        [await get(p.ports[0]!, "127.0.0.2"), await get(p.ports[0]!, "127.0.0.3")],
        ["200", "closed"],
      );
    } finally {
      await p.stop();
      origin.close();
      origin.closeAllConnections();
    }
  });
}
