/** Certificate reload on SIGHUP (a config reload re-reads them): new handshakes get the new certificate, open connections go on, a bad file is refused. */
import assert from "node:assert/strict";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import tls from "node:tls";
import { makeCa } from "./helpers/certs.ts";
import { rawHttpOrigin, waitForLine } from "./helpers/http.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";
import { sClient } from "./helpers/tls.ts";

const ca = makeCa();
const v1 = ca.issue("v1", "v1.example", ["reload.example"]);
const v2 = ca.issue("v2", "v2.example", ["reload.example"]);
const other = ca.issue("other", "other.example");

/** A kept-alive TLS client: each `get` sends a request and resolves with the response. */
async function keptAlive(port: number): Promise<{ get(): Promise<string>; close(): void }> {
  const s = tls.connect({ host: "127.0.0.1", port, servername: "reload.example", ca: ca.caPem });
  await new Promise<void>((resolve, reject) => {
    s.once("secureConnect", resolve);
    s.once("error", reject);
  });
  let buf = "";
  let waiting: ((text: string) => void) | null = null;
  s.on("data", (d: Buffer) => {
    buf += d.toString();
    const end = buf.indexOf("\r\n\r\n");
    const length = /content-length: (\d+)/i.exec(buf);
    if (end >= 0 && length && buf.length >= end + 4 + Number(length[1])) {
      const text = buf;
      buf = "";
      waiting?.(text);
    }
  });
  return {
    get: () =>
      new Promise((resolve) => {
        waiting = resolve;
        s.write("GET /again HTTP/1.1\r\nHost: reload.example\r\n\r\n");
      }),
    close: () => s.destroy(),
  };
}

for (const rt of RUNTIMES) {
  test(`${rt}: TLS reload: SIGHUP serves the new certificate, open connections stay, a bad file is refused`, async () => {
    const file = join(ca.dir, `reload-${rt}.pem`);
    copyFileSync(v1.pemFile, file);
    const origin = await rawHttpOrigin();
    // bind 0: one certificate (the runtime's native TLS); bind 1: two (node:tls, by SNI)
    const proxy = await startProxy(
      rt,
      `
global: { hardStopAfter: 1s }
defaults: { mode: http, timeout: { connect: 2s, client: 10s, server: 10s } }
frontends:
  web:
    bind:
      - address: "127.0.0.1:0"
        tls: { certificates: ["${file}"] }
      - address: "127.0.0.1:0"
        tls: { certificates: ["${other.pemFile}", "${file}"] }
    defaultBackend: app
backends:
  app:
    servers: [{ name: s1, address: "127.0.0.1:${origin.port}" }]
`,
      2,
    );
    const clients: { get(): Promise<string>; close(): void }[] = [];
    try {
      for (const port of proxy.ports) {
        assert.equal((await sClient(port, ["-servername", "reload.example"])).cn, "v1.example");
        const c = await keptAlive(port);
        clients.push(c);
        assert.match(await c.get(), /^HTTP\/1\.1 200/);
      }

      copyFileSync(v2.pemFile, file);
      let from = proxy.output().length;
      proxy.signal("SIGHUP");
      await waitForLine(proxy, /reload: .* applied/, { from });
      for (const port of proxy.ports) {
        assert.equal((await sClient(port, ["-servername", "reload.example"])).cn, "v2.example");
      }
      for (const c of clients) assert.match(await c.get(), /^HTTP\/1\.1 200/, "open connection");

      writeFileSync(file, "not a certificate\n");
      from = proxy.output().length;
      proxy.signal("SIGHUP");
      const line = await waitForLine(proxy, /reload: .*web\.bind\[0\]/, { from });
      assert.match(
        line,
        /bind\[0\]\.tls\.certificates\[0\]: no certificate \(BEGIN CERTIFICATE block\) in .*reload-/,
      );
      await waitForLine(proxy, /reload failed: the running configuration stays/, { from });
      for (const port of proxy.ports) {
        assert.equal((await sClient(port, ["-servername", "reload.example"])).cn, "v2.example");
      }
      for (const c of clients) assert.match(await c.get(), /^HTTP\/1\.1 200/, "open connection");
    } finally {
      for (const c of clients) c.close();
      await proxy.stop();
      await origin.close();
    }
  });
}
