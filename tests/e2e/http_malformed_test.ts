/**
 * The malformed/smuggling corpus end to end: every raw request goes through the proxy on a fresh
 * socket to a raw origin that records every byte. A refused request gets exactly its status, a
 * closed connection and a `PR` log line, and no byte of it reaches the origin.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { corpus, type CorpusCase } from "../unit/http1/corpus.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";
import { sleep } from "./helpers/net.ts";
import {
  type ClientResponse,
  header,
  httpConfig,
  parseResponses,
  rawHttpOrigin,
  sendRaw,
  waitForLine,
} from "./helpers/http.ts";

/** What a case should produce through the default config (CONNECT is refused there: 405). */
function expected(c: CorpusCase): number | "ok" {
  if (c.verdict === "ok" && /^CONNECT /.test(c.raw)) return 405;
  return c.verdict;
}

for (const rt of RUNTIMES) {
  test(`${rt}: the corpus (${corpus.length} raw requests): refusals never reach the origin`, async () => {
    const origin = await rawHttpOrigin();
    const proxy = await startProxy(
      rt,
      // a short keep-alive timeout closes each accepted case's connection soon after its responses
      httpConfig([["a", origin.port]], {
        frontend: ", timeout: { httpKeepAlive: 150ms, httpRequest: 2s }",
      }),
    );
    const failures: string[] = [];
    try {
      for (const c of corpus) {
        const want = expected(c);
        const bytesBefore = origin.received, reqsBefore = origin.requests.length;
        const outBefore = proxy.output().length;
        let problem: string | null = null;
        try {
          const r = await sendRaw(proxy.ports[0]!, Buffer.from(c.raw, "latin1"), 5000);
          if (!r.closed) throw new Error("the proxy did not close the connection within 5s");
          let responses: ClientResponse[];
          try {
            responses = parseResponses(r.data, { closed: true }).responses;
          } catch (err) {
            throw new Error(
              `unparsable reply ${JSON.stringify(r.data.toString("latin1"))}: ${err}`,
            );
          }
          const statuses = responses.map((x) => x.status);
          await sleep(20); // anything the proxy forwarded has landed by now
          const reached = origin.requests.length - reqsBefore;
          if (want === "ok") {
            if (statuses.length === 0 || statuses.some((s) => s !== 200)) {
              throw new Error(`statuses ${JSON.stringify(statuses)}, want only 200s`);
            }
            if (reached !== statuses.length) {
              throw new Error(
                `${reached} requests reached the origin for ${statuses.length} responses`,
              );
            }
          } else {
            // an accepted request pipelined before the bad one is answered first
            const last = responses.at(-1);
            if (!last || last.status !== want || last.version !== "HTTP/1.1") {
              throw new Error(
                `statuses ${JSON.stringify(statuses)}, want ${want} last; reply ` +
                  JSON.stringify(r.data.toString("latin1").slice(0, 300)),
              );
            }
            if (header(last, "connection") !== "close") {
              throw new Error(`the ${want} has no "connection: close"`);
            }
            if (statuses.slice(0, -1).some((s) => s !== 200)) {
              throw new Error(`statuses ${JSON.stringify(statuses)} before the ${want}`);
            }
            const earlier = statuses.length - 1;
            const got = origin.received - bytesBefore;
            // a prefix of valid bytes may have streamed out before the refused ones came (c.prefixBefore)
            const headLength = c.raw.indexOf("\r\n\r\n") + 4;
            const allowed = c.prefixBefore === undefined ? 0 : headLength + c.prefixBefore;
            if (earlier === 0 && got > allowed) {
              throw new Error(`the origin received ${got} bytes`);
            }
            if (reached !== earlier) {
              throw new Error(`${reached} requests reached the origin, want ${earlier}`);
            }
            const re = new RegExp(`^127\\.0\\.0\\.1:${r.localPort} .* ${want} \\d+ - - PR-- `);
            await waitForLine(proxy, re, { from: outBefore, ms: 2000 });
          }
        } catch (err) {
          problem = (err as Error).message.split("; output:")[0]!;
        }
        if (problem) failures.push(`${c.name} (want ${want}): ${problem}`);
      }
      assert.deepEqual(origin.errors, [], "the origin could not parse what the proxy sent");
      assert.deepEqual(failures, [], `${failures.length} of ${corpus.length} cases failed`);
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });
}
