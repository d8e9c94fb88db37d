/** A client that half-closes (FIN right after its request, or while a large response is on its way, reading slowly) still gets that response whole. */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import net from "node:net";
import { test } from "node:test";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";
import { tcpServer } from "./helpers/net.ts";
import { httpConfig } from "./helpers/http.ts";

const BODY = randomBytes(16 * 1024 * 1024);
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

function origin() {
  return tcpServer((s) =>
    s.once("data", () => {
      s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${BODY.length}\r\n\r\n`);
      s.write(BODY);
    })
  );
}

/**
 * A GET through the proxy whose client sends FIN once `finAfter` response bytes arrived (0: with
 * the request), stops reading for 300 ms then (so the proxy's writes wait for the kernel), and
 * reads to the end; resolves with the body.
 */
function get(port: number, finAfter: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const c = net.connect({ port, host: "127.0.0.1", allowHalfOpen: true });
    const parts: Buffer[] = [];
    let got = 0, finSent = false;
    const timer = setTimeout(() => {
      c.destroy();
      reject(new Error(`no end after 30 s, ${got} bytes in`));
    }, 30_000);
    const fin = () => {
      finSent = true;
      c.end();
      c.pause();
      setTimeout(() => c.resume(), 300);
    };
    c.on("connect", () => {
      c.write("GET /big HTTP/1.1\r\nHost: t\r\n\r\n");
      if (finAfter === 0) fin();
    });
    c.on("data", (d: Buffer) => {
      parts.push(d);
      got += d.length;
      if (!finSent && got >= finAfter) fin();
    });
    c.on("end", () => {
      clearTimeout(timer);
      c.destroy();
      const all = Buffer.concat(parts);
      const at = all.indexOf("\r\n\r\n");
      resolve(all.subarray(at < 0 ? all.length : at + 4));
    });
    c.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

for (const rt of RUNTIMES) {
  test(`${rt}: a client that half-closes before or during a 16 MiB response still gets it whole`, async () => {
    const o = await origin();
    const proxy = await startProxy(rt, httpConfig([["a", o.port]]));
    try {
      for (const finAfter of [0, 1024 * 1024]) {
        const body = await get(proxy.ports[0]!, finAfter);
        assert.equal(body.length, BODY.length, `FIN after ${finAfter} bytes: body length`);
        assert.equal(sha(body), sha(BODY), `FIN after ${finAfter} bytes: body differs`);
      }
    } finally {
      await proxy.stop();
      await o.close();
    }
  });
}
