/**
 * HTTP/2 with prior knowledge on a clear HTTP/1.1 bind (h2c is not enabled yet): the preface is
 * answered 400 and the connection closed, the log names it for what it is, nothing reaches the origin.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CLIENT_PREFACE } from "../../src/h2/frame.ts";
import { encodeSettings } from "../../src/h2/frame_writer.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";
import { httpConfig, parseResponses, rawHttpOrigin, sendRaw, waitForLine } from "./helpers/http.ts";

for (const rt of RUNTIMES) {
  test(`${rt}: an h2 prior-knowledge preface on an HTTP/1.1 bind gets 400, a close and a log line saying so`, async () => {
    const origin = await rawHttpOrigin();
    const proxy = await startProxy(rt, httpConfig([["a", origin.port]]));
    try {
      const hello = new Uint8Array([...CLIENT_PREFACE, ...encodeSettings([])]);
      const r = await sendRaw(proxy.ports[0]!, hello, 5000);
      assert.equal(r.closed, true, "the proxy closed the connection");
      const { responses } = parseResponses(r.data, { closed: true });
      assert.deepEqual(responses.map((x) => x.status), [400]);
      const line = await waitForLine(
        proxy,
        new RegExp(`^127\\.0\\.0\\.1:${r.localPort} .* 400 \\d+ - - PR-- .*"PRI \\* HTTP/2\\.0"`),
        { ms: 3000 },
      );
      assert.match(
        line,
        /reason="HTTP\/2 prior-knowledge preface on an HTTP\/1\.1 bind: h2c not enabled"/,
      );
      assert.equal(origin.received, 0, "no byte reached the origin");
    } finally {
      await proxy.stop();
      origin.close();
    }
  });
}
