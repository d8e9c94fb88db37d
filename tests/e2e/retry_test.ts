/** retry-on and option redispatch: failed responses resent to another server when safe, never for requests with a body. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type RawHttpOrigin, rawHttpOrigin } from "./helpers/http.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";

type Behaviour = "503" | "close" | "hang" | "ok";

function origin(kind: Behaviour): Promise<RawHttpOrigin> {
  return rawHttpOrigin((_req, sock) => {
    if (kind === "close") return void sock.destroy();
    if (kind === "hang") return;
    const [status, body] = kind === "503" ? ["503 Service Unavailable", "bad"] : ["200 OK", "good"];
    sock.write(`HTTP/1.1 ${status}\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  });
}

function config(bad: number, good: number, backend: string) {
  return `
global: { log: none }
defaults: { mode: http, timeout: { connect: 2s, server: 400ms, client: 10s } }
frontends:
  fe: { bind: ["127.0.0.1:0"], defaultBackend: be }
backends:
  be:
    balance: static-rr
    ${backend}
    servers:
      - { name: bad, address: "127.0.0.1:${bad}" }
      - { name: good, address: "127.0.0.1:${good}" }
`;
}

async function send(port: number, method = "GET", body?: string) {
  const r = await fetch(`http://127.0.0.1:${port}/`, {
    method,
    body: body ?? null,
    headers: { connection: "close" },
  });
  return `${r.status} ${await r.text()}`;
}

for (const rt of RUNTIMES) {
  test(`${rt}: retryOn 503 / empty-response / response-timeout resend bodiless requests elsewhere`, async () => {
    for (
      const [kind, retryOn] of [["503", "503"], ["close", "empty-response"], [
        "hang",
        "response-timeout",
      ]] as const
    ) {
      const bad = await origin(kind), good = await origin("ok");
      const proxy = await startProxy(rt, config(bad.port, good.port, `retryOn: "${retryOn}"`));
      try {
        const port = proxy.ports[0]!;
        for (let i = 0; i < 4; i++) {
          assert.equal(await send(port), "200 good", `${kind}: request ${i}`);
        }
        // static-rr walks HAProxy's map: the retry takes the next slot (good), so every new
        // request starts at bad again (haproxy 2.6 sends all 4 to bad first too).
        assert.equal(bad.requests.length, 4, `${kind}: static-rr tried bad first every time`);
        assert.equal(good.requests.length, 4);
        // a request with a body is never resent: the client gets what the server did
        const before = good.requests.length;
        const results = [await send(port, "POST", "x"), await send(port, "POST", "y")];
        assert.equal(good.requests.length, before + 1, `${kind}: ${results}`);
        const failed = results.find((r) => !r.startsWith("200"));
        assert.ok(failed, `${kind}: one POST reached bad and was not retried`);
        assert.match(failed!, kind === "503" ? /^503 bad/ : kind === "close" ? /^502/ : /^504/);
      } finally {
        await proxy.stop();
        await bad.close();
        await good.close();
      }
    }
  });

  test(`${rt}: redispatch false retries the same server; without retryOn a 503 passes through`, async () => {
    const bad = await origin("503"), good = await origin("ok");
    const proxy = await startProxy(
      rt,
      config(bad.port, good.port, `retryOn: "503"\n    redispatch: false\n    retries: 2`),
    );
    try {
      assert.equal(await send(proxy.ports[0]!), "503 bad");
      assert.equal(bad.requests.length, 3, "the first try and two retries, all on bad");
      assert.equal(good.requests.length, 0);
    } finally {
      await proxy.stop();
    }
    const plain = await startProxy(rt, config(bad.port, good.port, ""));
    try {
      assert.equal(await send(plain.ports[0]!), "503 bad");
      assert.equal(bad.requests.length, 4, "conn-failure only: one more request, no retry");
    } finally {
      await plain.stop();
      await bad.close();
      await good.close();
    }
  });
}
