/** A reload with HTTP/2 connections open: each gets GOAWAY (NO_ERROR) after its stream in flight finishes, and a new connection serves the new config. */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { test } from "node:test";
import { FRAME } from "../../src/h2/frame.ts";
import { GET, RawH2 } from "./helpers/h2raw.ts";
import { rawHttpOrigin, waitForLine } from "./helpers/http.ts";
import { closedPort } from "./helpers/net.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";

const config = (port: number, origin: number, gen: string) => `
global: { hardStopAfter: 2s }
defaults:
  mode: http
  timeout: { connect: 2s, client: 10s, server: 10s }
frontends:
  web:
    bind: ["127.0.0.1:${port}"]
    httpRequest:
      - return status 200 content-type text/plain string ${gen} if { path /gen }
    defaultBackend: app
backends:
  app:
    servers:
      - { name: origin, address: "127.0.0.1:${origin}" }
`;

const gen = [...GET.filter(([n]) => n !== ":path"), [":path", "/gen"]] as [string, string][];

/** The body of the response on `streamId`, from its DATA frames. */
function body(c: RawH2, streamId: number): string {
  const data = c.frames.filter((f) => f.type === FRAME.DATA && f.streamId === streamId);
  return data.map((f) => new TextDecoder().decode(f.payload)).join("");
}

for (const rt of RUNTIMES) {
  test(`${rt}: a reload sends GOAWAY on open HTTP/2 connections; new ones get the new config`, async () => {
    const origin = await rawHttpOrigin();
    const port = await closedPort();
    const proxy = await startProxy(rt, config(port, origin.port, "A"));
    const file = /-c (\S+)/.exec(proxy.proc.spawnargs.join(" "))![1]!;
    const old = await RawH2.open(port);
    try {
      old.send(old.headers(1, gen));
      assert.ok(await old.until(() => body(old, 1) === "A"), `config A answers: ${body(old, 1)}`);
      assert.equal(old.goaway(), null, "no GOAWAY before the reload");

      writeFileSync(file, config(port, origin.port, "B"));
      const from = proxy.output().length;
      proxy.signal("SIGHUP");
      await waitForLine(proxy, /reload: .* applied/, { from, ms: 10_000 });
      assert.ok(await old.until(() => old.goaway() !== null), "GOAWAY on the old connection");
      assert.equal(old.goaway(), 0, "GOAWAY NO_ERROR");
      assert.ok(await old.until(() => old.closed), "the old connection closes, no stream open");

      const fresh = await RawH2.open(port);
      fresh.send(fresh.headers(1, gen));
      assert.ok(await fresh.until(() => body(fresh, 1) === "B"), `config B: ${body(fresh, 1)}`);
      assert.equal(fresh.goaway(), null);
      fresh.close();
    } finally {
      old.close();
      await proxy.stop();
      await origin.close();
    }
  });
}
