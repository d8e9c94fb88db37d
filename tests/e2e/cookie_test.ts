/** Cookie persistence: insert (indirect, nocache, httponly), prefix and rewrite, and breaking persistence when the server is gone. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type OriginRequest, type RawHttpOrigin, rawHttpOrigin } from "./helpers/http.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";

/** An origin naming itself; with `setCookie` it sets JSESSIONID itself; it echoes the Cookie it got. */
function named(name: string, setCookie = false): Promise<RawHttpOrigin> {
  return rawHttpOrigin((req: OriginRequest, sock) => {
    const cookie = req.headers.find(([n]) => n.toLowerCase() === "cookie")?.[1] ?? "-";
    const body = `${name} cookie=${cookie}`;
    sock.write(
      `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n` +
        (setCookie ? `Set-Cookie: JSESSIONID=abc123; Path=/app\r\n` : "") + `\r\n${body}`,
    );
  });
}

function config(ports: number[], cookie: string) {
  return `
global: { log: none }
defaults: { mode: http }
frontends:
  fe: { bind: ["127.0.0.1:0"], defaultBackend: be }
backends:
  be:
    cookie: "${cookie}"
    servers:
${
    ports.map((p, i) => `      - { name: s${i}, address: "127.0.0.1:${p}", cookie: c${i} }`).join(
      "\n",
    )
  }
`;
}

async function get(port: number, cookie?: string) {
  const r = await fetch(`http://127.0.0.1:${port}/`, {
    headers: cookie ? { cookie } : {},
  });
  return {
    body: await r.text(),
    setCookie: r.headers.getSetCookie(),
    cc: r.headers.get("cache-control"),
  };
}

for (const rt of RUNTIMES) {
  test(`${rt}: cookie insert indirect nocache httponly: sticks, hides the cookie from servers, breaks when the server is down`, async () => {
    const origins = await Promise.all([named("s0"), named("s1"), named("s2")]);
    const proxy = await startProxy(
      rt,
      config(origins.map((o) => o.port), "SRV insert indirect nocache httponly"),
    );
    try {
      const port = proxy.ports[0]!;
      const first = await get(port);
      const [cookie] = first.setCookie;
      assert.match(cookie ?? "", /^SRV=c(\d); path=\/; HttpOnly$/);
      assert.equal(first.cc, "private");
      const server = first.body.split(" ")[0]!;
      assert.equal(`s${/SRV=c(\d)/.exec(cookie!)![1]}`, server);
      for (let i = 0; i < 5; i++) {
        const again = await get(port, `a=1; SRV=${cookie!.split(";")[0]!.slice(4)}; b=2`);
        assert.equal(again.body, `${server} cookie=a=1; b=2`, "same server, SRV hidden from it");
        assert.deepEqual(again.setCookie, [], "indirect: no cookie for a client that has it");
      }
      // a cookie naming a server that is gone: balanced elsewhere and re-cookied
      const idx = Number(server.slice(1));
      await origins[idx]!.close();
      const moved = await get(port, `SRV=c${idx}`);
      assert.notEqual(moved.body.split(" ")[0], server);
      assert.match(moved.setCookie[0] ?? "", /^SRV=c\d; path=\//);
    } finally {
      await proxy.stop();
      for (const o of origins) await o.close().catch(() => {});
    }
  });

  test(`${rt}: cookie prefix and rewrite change the server's own cookie`, async () => {
    const origins = await Promise.all([named("s0", true), named("s1", true)]);
    for (
      const [mode, want] of [["prefix", /^JSESSIONID=c(\d)~abc123; Path=\/app$/], [
        "rewrite",
        /^JSESSIONID=c(\d); Path=\/app$/,
      ]] as const
    ) {
      const proxy = await startProxy(rt, config(origins.map((o) => o.port), `JSESSIONID ${mode}`));
      try {
        const port = proxy.ports[0]!;
        const first = await get(port);
        const m = want.exec(first.setCookie[0] ?? "");
        assert.ok(m, `${mode}: ${first.setCookie}`);
        assert.equal(first.body.split(" ")[0], `s${m[1]}`);
        const value = first.setCookie[0]!.split(";")[0]!.slice("JSESSIONID=".length);
        const again = await get(port, `JSESSIONID=${value}`);
        assert.equal(again.body.split(" ")[0], `s${m[1]}`, `${mode}: sticks`);
        if (mode === "prefix") {
          assert.match(again.body, /cookie=JSESSIONID=abc123$/, "prefix stripped");
        }
      } finally {
        await proxy.stop();
      }
    }
    for (const o of origins) await o.close();
  });
}
