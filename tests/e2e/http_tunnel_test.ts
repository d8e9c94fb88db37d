/** Tunnels in HTTP mode: WebSocket through a 101, the tunnel idle timeout, CONNECT refused or tunnelled. */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";
import { sha256, sleep, tcpServer } from "./helpers/net.ts";
import { curl, header, httpConfig, logLinesOf, RawClient, waitForLine } from "./helpers/http.ts";
import { WsClient, wsEchoOrigin } from "./helpers/ws.ts";

for (const rt of RUNTIMES) {
  test(`${rt}: WebSocket: 200 messages and a 1 MiB one cross the tunnel both ways`, async () => {
    const origin = wsEchoOrigin();
    const proxy = await startProxy(
      rt,
      httpConfig([["ws", origin.port]], { defaults: "forwardfor: true" }),
    );
    try {
      const ws = await WsClient.open(`ws://127.0.0.1:${proxy.ports[0]}/chat`);
      for (let i = 0; i < 200; i++) {
        ws.ws.send(`message ${i}`);
        assert.equal(await ws.next(), `echo:message ${i}`);
      }
      // a burst without waiting: order holds
      for (let i = 0; i < 100; i++) ws.ws.send(`burst ${i}`);
      for (let i = 0; i < 100; i++) assert.equal(await ws.next(), `echo:burst ${i}`);
      const big = randomBytes(768 * 1024).toString("base64").slice(0, 1024 * 1024);
      assert.equal(big.length, 1024 * 1024);
      ws.ws.send(big);
      const back = await ws.next(10_000);
      assert.equal(typeof back, "string");
      assert.equal((back as string).length, big.length + 5);
      assert.ok(back === "echo:" + big, "the 1 MiB text message came back different");
      const bin = randomBytes(1024 * 1024 + 7);
      ws.ws.send(bin);
      const binBack = await ws.next(10_000);
      assert.ok(binBack instanceof ArrayBuffer, `binary reply is ${typeof binBack}`);
      assert.equal(sha256(new Uint8Array(binBack)), sha256(bin));
      ws.close();
      assert.notEqual(await ws.closed(3000), null, "the WebSocket did not close");
      assert.equal(origin.upgrades.length, 1);
      assert.equal(origin.upgrades[0]!.get("x-forwarded-for"), "127.0.0.1");
      const line = await waitForLine(proxy, /"GET \/chat HTTP\/1\.1"/);
      assert.match(line, / web app\/ws .* 101 \d+ /, line);
    } finally {
      await proxy.stop();
      origin.close();
    }
  });

  test(`${rt}: the tunnel timeout closes an idle WebSocket, activity keeps it open`, async () => {
    const origin = wsEchoOrigin();
    const proxy = await startProxy(
      rt,
      httpConfig([["ws", origin.port]], { frontend: ", timeout: { tunnel: 500ms }" }),
    );
    try {
      const ws = await WsClient.open(`ws://127.0.0.1:${proxy.ports[0]}/idle`);
      // 8 × 200ms = 1.6s of traffic, more than three tunnel timeouts
      for (let i = 0; i < 8; i++) {
        ws.ws.send(`ping ${i}`);
        assert.equal(await ws.next(), `echo:ping ${i}`, `message ${i} after ${i * 200}ms`);
        await sleep(200);
      }
      const idleFrom = Date.now();
      const code = await ws.closed(3000);
      assert.notEqual(code, null, "an idle tunnel was still open 3s after the last message");
      const ms = ws.closedAt - idleFrom;
      // the last message was answered ~200ms before idleFrom
      assert.ok(ms >= 200 && ms < 1500, `closed ${ms}ms after the traffic stopped, want ~300ms`);
    } finally {
      await proxy.stop();
      origin.close();
    }
  });

  test(`${rt}: CONNECT is refused with 405 by default and nothing reaches the server`, async () => {
    let accepted = 0;
    const origin = await tcpServer(() => accepted++);
    const proxy = await startProxy(
      rt,
      httpConfig([["a", origin.port]], { frontend: ", maxconn: 1" }),
    );
    try {
      // twice: the first refused connection must not keep the only frontend slot
      const ports: number[] = [];
      for (let i = 0; i < 2; i++) {
        const c = await RawClient.open(proxy.ports[0]!);
        ports.push(c.localPort);
        c.write("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
        const res = await c.response({ timeoutMs: 3000 });
        assert.equal(res.status, 405, `attempt ${i}`);
        assert.equal(header(res, "connection"), "close");
        assert.ok(await c.waitClosed(2000), "the connection stayed open after the 405");
        c.destroy();
      }
      for (const port of ports) {
        await waitForLine(proxy, new RegExp(`^127\\.0\\.0\\.1:${port} .* 405 \\d+ - - PR-- `));
        await sleep(200);
        const lines = logLinesOf(proxy, port);
        assert.equal(
          lines.length,
          1,
          `one request, ${lines.length} log lines:\n${lines.join("\n")}`,
        );
      }
      assert.equal(accepted, 0, "CONNECT reached the server");
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: acceptConnect: CONNECT goes to the server and bytes flow once it answers 200`, async () => {
    let head = "";
    const origin = await tcpServer((s) => {
      let tunnel = false;
      s.on("end", () => s.end());
      s.on("data", (d: Buffer) => {
        if (tunnel) return void s.write(d);
        head += d.toString("latin1");
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) return;
        tunnel = true;
        s.write("HTTP/1.1 200 Connection established\r\n\r\n");
        const rest = Buffer.from(head.slice(end + 4), "latin1");
        if (rest.length > 0) s.write(rest);
      });
    });
    const proxy = await startProxy(
      rt,
      httpConfig([["a", origin.port]], { frontend: ", acceptConnect: true" }),
    );
    try {
      const c = await RawClient.open(proxy.ports[0]!);
      c.write("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
      const res = await c.response({ head: true, timeoutMs: 3000 });
      assert.equal(res.status, 200);
      assert.match(head, /^CONNECT example\.com:443 HTTP\/1\.1\r\n/);
      const payload = randomBytes(256 * 1024);
      c.write(payload);
      for (let i = 0; i < 100 && c.pending.length < payload.length; i++) await sleep(50);
      assert.equal(c.pending.length, payload.length);
      assert.equal(sha256(c.pending), sha256(payload));
      c.destroy();
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });

  test(`${rt}: a 101 the client did not ask for is a bad response: 502`, async () => {
    // RFC 9110 §15.2.2: a server must not switch to a protocol the request's Upgrade did not name
    const origin = await tcpServer((s) => {
      s.once("data", () =>
        s.write(
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\nRAW",
        ));
    });
    const proxy = await startProxy(rt, httpConfig([["a", origin.port]]));
    try {
      const r = await curl(["-i", "-m", "3", `http://127.0.0.1:${proxy.ports[0]}/`]);
      const out = r.stdout.toString("latin1");
      assert.doesNotMatch(out, /RAW/, "bytes after an unrequested 101 were tunnelled");
      assert.match(out, /^HTTP\/1\.1 502 /, `curl exit ${r.code}, got ${JSON.stringify(out)}`);
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });
}
