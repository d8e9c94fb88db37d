/**
 * The corpus case "smuggled request as a trailer-less body" (a chunked body's last chunk, then a
 * pipelined request in the same bytes) sent in pieces cut where a runtime's reads may cut it, with
 * and without the client's FIN after it, to a fast and to a slow origin (the client is paused while
 * the first request is in flight): both requests are answered 200, in order, and both reach the
 * origin as two requests.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";
import { sleep } from "./helpers/net.ts";
import { httpConfig, RawClient, rawHttpOrigin, replyOk } from "./helpers/http.ts";

const HEAD = "POST /first HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
const TAIL = "0\r\n\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n";

/** Where the bytes are cut: around the last chunk, its empty trailer line, and the next request. */
const SPLITS: [string, string[]][] = [
  ["whole", [HEAD + TAIL]],
  ["head | rest", [HEAD, TAIL]],
  ['"0\\r\\n" | rest', [HEAD + "0\r\n", TAIL.slice(3)]],
  ['"0\\r\\n\\r" | rest', [HEAD + "0\r\n\r", TAIL.slice(4)]],
  ["last chunk | next request", [HEAD + "0\r\n\r\n", TAIL.slice(5)]],
  ['"G" with the body', [HEAD + "0\r\n\r\nG", TAIL.slice(6)]],
  ["byte by byte after the head", [HEAD, ...TAIL]],
];

for (const rt of RUNTIMES) {
  test(`${rt}: a last chunk then a pipelined request, cut anywhere, with or without FIN, fast or slow origin`, async () => {
    let slow = false;
    const origin = await rawHttpOrigin((req, sock, nth) => {
      if (slow) setTimeout(() => replyOk(req, sock, nth), 60);
      else replyOk(req, sock, nth);
    });
    const proxy = await startProxy(rt, httpConfig([["a", origin.port]]));
    const failures: string[] = [];
    try {
      for (const [name, pieces] of SPLITS) {
        for (const fin of [false, true]) {
          for (const s of [false, true]) {
            slow = s;
            const what = `${name}${fin ? ", FIN" : ""}${s ? ", slow origin" : ""}`;
            const before = origin.requests.length;
            const c = await RawClient.open(proxy.ports[0]!);
            try {
              for (const [i, p] of pieces.entries()) {
                if (i > 0) await sleep(pieces.length > 4 ? 2 : 15);
                c.write(p);
              }
              if (fin) c.sock.end();
              const statuses = [];
              for (let i = 0; i < 2; i++) statuses.push((await c.response()).status);
              await sleep(10);
              const targets = origin.requests.slice(before).map((r) => r.target);
              if (statuses.join() !== "200,200" || targets.join() !== "/first,/admin") {
                failures.push(`${what}: statuses ${statuses}, origin saw ${targets}`);
              }
            } catch (err) {
              failures.push(`${what}: ${(err as Error).message}`);
            } finally {
              c.destroy();
            }
          }
        }
      }
      assert.deepEqual(origin.errors, [], "the origin could not parse what the proxy sent");
      assert.deepEqual(failures, []);
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });
}
