/**
 * Compression offload end to end: Accept-Encoding negotiation, each rule that sends a response as it
 * is, the rewritten head, offload, streaming with flushes, keep-alive after a compressed response,
 * and curl --compressed; bodies are decoded with node:zlib and compared by hash.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import http from "node:http";
import { test } from "node:test";
import * as zlib from "node:zlib";
import { AVAILABLE_ALGOS } from "../../src/compress/negotiate.ts";
import { htmlLike } from "../unit/compress/html.ts";
import {
  type ClientResponse,
  curl,
  header,
  httpConfig,
  type OriginResponder,
  RawClient,
  rawHttpOrigin,
} from "./helpers/http.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";

const PAGE = Buffer.from(htmlLike(300 * 1024, 7));
const SMALL = Buffer.from(htmlLike(600, 3));
const PAGE_ETAG = '"page-v1"';
/** Sent by /stream before it holds back for STREAM_PAUSE_MS, then the rest in a few chunks. */
const FIRST_EVENT = "<p>first event</p>\n";
const STREAM_PAUSE_MS = 600;
const STREAM_REST = Array.from({ length: 8 }, (_, i) => Buffer.from(htmlLike(20_000, 100 + i)));
const STREAM_BODY = Buffer.concat([Buffer.from(FIRST_EVENT), ...STREAM_REST]);
const HAS_ZSTD = AVAILABLE_ALGOS.includes("zstd");

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

function reply(status: string, fields: string[], body: Buffer | string, head = false): Buffer {
  const b = typeof body === "string" ? Buffer.from(body, "latin1") : body;
  const all = [`HTTP/1.1 ${status}`, ...fields, `Content-Length: ${b.length}`];
  return Buffer.concat([
    Buffer.from(`${all.join("\r\n")}\r\n\r\n`, "latin1"),
    head ? Buffer.alloc(0) : b,
  ]);
}

/** The origin: one path per rule. */
const respond: OriginResponder = (req, sock) => {
  const html = "Content-Type: text/html; charset=utf-8";
  const isHead = req.method === "HEAD";
  const range = req.headers.find(([k]) => k.toLowerCase() === "range");
  switch (req.target.split("?")[0]) {
    case "/page":
    case "/b2/page":
      if (range) {
        return void sock.write(reply("206 Partial Content", [
          html,
          `Content-Range: bytes 0-99/${PAGE.length}`,
        ], PAGE.subarray(0, 100)));
      }
      return void sock.write(reply("200 OK", [html, `ETag: ${PAGE_ETAG}`], PAGE, isHead));
    case "/plain":
      return void sock.write(reply("200 OK", ["Content-Type: text/plain"], PAGE));
    case "/304":
      return void sock.write(`HTTP/1.1 304 Not Modified\r\nETag: ${PAGE_ETAG}\r\n\r\n`);
    case "/500":
      return void sock.write(reply("500 Internal Server Error", [html], PAGE));
    case "/encoded":
      return void sock.write(
        reply("200 OK", [html, "Content-Encoding: gzip"], zlib.gzipSync(PAGE)),
      );
    case "/no-transform":
      return void sock.write(reply("200 OK", [html, "Cache-Control: public, no-transform"], PAGE));
    case "/image":
      return void sock.write(reply("200 OK", ["Content-Type: image/png"], PAGE));
    case "/small":
      return void sock.write(reply("200 OK", [html], SMALL));
    case "/stream": {
      sock.write(`HTTP/1.1 200 OK\r\n${html}\r\nTransfer-Encoding: chunked\r\n\r\n`);
      sock.write(`${FIRST_EVENT.length.toString(16)}\r\n${FIRST_EVENT}\r\n`);
      setTimeout(() => {
        for (const c of STREAM_REST) {
          sock.write(`${c.length.toString(16)}\r\n`);
          sock.write(c);
          sock.write("\r\n");
        }
        sock.write("0\r\n\r\n");
      }, STREAM_PAUSE_MS);
      return;
    }
    default:
      return void sock.write(reply("404 Not Found", [], ""));
  }
};

/** Decodes a body by its Content-Encoding (none: as it is). */
function decode(res: ClientResponse): Buffer {
  const ce = header(res, "content-encoding");
  switch (ce) {
    case undefined:
      return res.body;
    case "gzip":
      return zlib.gunzipSync(res.body);
    case "deflate":
      return zlib.inflateSync(res.body);
    case "br":
      return zlib.brotliDecompressSync(res.body);
    case "zstd":
      return (zlib as unknown as { zstdDecompressSync(b: Buffer): Buffer }).zstdDecompressSync(
        res.body,
      );
    default:
      throw new Error(`unexpected Content-Encoding ${ce}`);
  }
}

/** One request on a fresh connection (HTTP/1.1 unless `version`); `ae` null: no Accept-Encoding. */
async function get(
  port: number,
  path: string,
  ae: string | null,
  opts: { method?: string; extra?: string[]; version?: string } = {},
): Promise<ClientResponse> {
  const c = await RawClient.open(port);
  try {
    const fields = ["Host: test", ...(ae === null ? [] : [`Accept-Encoding: ${ae}`])];
    const line = `${opts.method ?? "GET"} ${path} ${opts.version ?? "HTTP/1.1"}`;
    c.write(`${[line, ...fields, ...(opts.extra ?? [])].join("\r\n")}\r\n\r\n`);
    return await c.response({ head: opts.method === "HEAD", timeoutMs: 10_000 });
  } finally {
    c.destroy();
  }
}

/** A compressed response: the head rewritten as it should be, the body decoding to `original`. */
function assertCompressed(res: ClientResponse, algo: string, original: Buffer, etag = true): void {
  assert.equal(res.status, 200);
  assert.equal(header(res, "content-encoding"), algo);
  assert.match(header(res, "vary") ?? "", /accept-encoding/i);
  assert.equal(header(res, "content-length"), undefined);
  assert.equal(header(res, "transfer-encoding"), "chunked");
  if (etag) assert.equal(header(res, "etag"), `W/${PAGE_ETAG}`);
  assert.ok(res.body.length < original.length / 2, `poorly compressed: ${res.body.length} bytes`);
  assert.equal(sha(decode(res)), sha(original));
}

/** A response sent as the origin made it (no Content-Encoding added, no Vary). */
function assertAsIs(res: ClientResponse, status: number, original?: Buffer): void {
  assert.equal(res.status, status);
  assert.equal(header(res, "content-encoding"), undefined);
  assert.equal(header(res, "vary"), undefined);
  if (original) {
    assert.equal(header(res, "content-length"), String(original.length));
    assert.equal(sha(res.body), sha(original));
  }
}

const ALGOS = HAS_ZSTD ? "[br, gzip, zstd]" : "[br, gzip]";
const CONFIG = (port: number) =>
  httpConfig([["s1", port]], {
    frontend: `, compression: { algo: ${ALGOS}, type: [text/html, text/plain], minsize: 1k, ` +
      `offload: true }, useBackend: ["b2 if { path_beg /b2/ }"]`,
  }) +
  `  b2:\n    compression: { algo: [gzip] }\n    servers: [{ name: s2, address: "127.0.0.1:${port}" }]\n`;

for (const rt of RUNTIMES) {
  test(`${rt}: compression offload`, async (t) => {
    const origin = await rawHttpOrigin(respond);
    const proxy = await startProxy(rt, CONFIG(origin.port));
    const port = proxy.ports[0]!;
    /** The Accept-Encoding the origin saw on its latest request (undefined: none). */
    const seenAe = () =>
      origin.requests.at(-1)!.headers.find(([k]) => k.toLowerCase() === "accept-encoding")?.[1];
    try {
      await t.test("Accept-Encoding variants pick the algorithm by q, then by configured order", async () => {
        const cases: [string | null, string | undefined][] = [
          ["gzip", "gzip"],
          ["br", "br"],
          ["gzip, br", "br"],
          ["gzip;q=0, br", "br"],
          ["gzip;q=0.5, br;q=0.4", "gzip"],
          ["GZIP", "gzip"],
          ["x-gzip", "gzip"],
          ["*", "br"],
          ["*;q=0.5, br;q=0", "gzip"],
          ["*;q=0", undefined],
          ["identity", undefined],
          ["unknown-coding", undefined],
          ["", undefined],
          [null, undefined],
        ];
        if (HAS_ZSTD) cases.push(["zstd", "zstd"], ["zstd, br;q=0.9", "zstd"]);
        for (const [ae, algo] of cases) {
          const res = await get(port, "/page", ae);
          const what = `Accept-Encoding ${JSON.stringify(ae)}`;
          if (algo === undefined) {
            assertAsIs(res, 200, PAGE);
            assert.equal(header(res, "etag"), PAGE_ETAG, what);
            // offload leaves the header alone when the proxy will not compress
            assert.equal(seenAe(), ae ?? undefined, what);
          } else {
            assertCompressed(res, algo, PAGE);
            assert.equal(seenAe(), undefined, `${what}: offload must remove it`);
          }
        }
      });

      await t.test("curl --compressed gets the origin's bytes", async () => {
        const url = `http://127.0.0.1:${port}/page`;
        const r = await curl(["--compressed", "-w", "%{stderr}ce=%header{content-encoding}", url]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /^ce=(br|gzip|zstd)$/);
        assert.equal(sha(r.stdout), sha(PAGE));
      });

      await t.test("responses that are sent as they are", async () => {
        assertAsIs(await get(port, "/page", "gzip", { method: "HEAD" }), 200);
        const ranged = await get(port, "/page", "gzip", { extra: ["Range: bytes=0-99"] });
        assertAsIs(ranged, 206, PAGE.subarray(0, 100));
        assertAsIs(await get(port, "/304", "gzip"), 304);
        assertAsIs(await get(port, "/500", "gzip"), 500, PAGE);
        const encoded = await get(port, "/encoded", "gzip");
        assert.equal(header(encoded, "content-encoding"), "gzip");
        assert.equal(header(encoded, "vary"), undefined);
        assert.equal(sha(zlib.gunzipSync(encoded.body)), sha(PAGE));
        assertAsIs(await get(port, "/no-transform", "gzip"), 200, PAGE);
        assertAsIs(await get(port, "/image", "gzip"), 200, PAGE);
        assertAsIs(await get(port, "/small", "gzip"), 200, SMALL);
        // HTTP/1.0 clients get identity, as from HAProxy and nginx
        assertAsIs(await get(port, "/page", "gzip", { version: "HTTP/1.0" }), 200, PAGE);
      });

      await t.test("other listed types are compressed; the backend's algo list wins", async () => {
        assertCompressed(await get(port, "/plain", "gzip"), "gzip", PAGE, false);
        assertCompressed(await get(port, "/b2/page", "br, gzip"), "gzip", PAGE);
        assertAsIs(await get(port, "/b2/page", "br"), 200, PAGE);
      });

      await t.test("a streamed response is flushed while the origin holds back", async () => {
        const t0 = Date.now();
        const got = await new Promise<{ firstAt: number; body: Buffer; ce: string }>((ok, fail) => {
          const req = http.get({
            host: "127.0.0.1",
            port,
            path: "/stream",
            headers: { "accept-encoding": "gzip" },
          }, (res) => {
            let firstAt = -1;
            const parts: Buffer[] = [];
            const gunzip = zlib.createGunzip();
            res.pipe(gunzip);
            gunzip.on("data", (d: Buffer) => {
              parts.push(d);
              if (firstAt < 0 && Buffer.concat(parts).includes(FIRST_EVENT)) {
                firstAt = Date.now() - t0;
              }
            });
            gunzip.on(
              "end",
              () =>
                ok({
                  firstAt,
                  body: Buffer.concat(parts),
                  ce: String(res.headers["content-encoding"]),
                }),
            );
            gunzip.on("error", fail);
          });
          req.on("error", fail);
        });
        assert.equal(got.ce, "gzip");
        assert.equal(sha(got.body), sha(STREAM_BODY));
        assert.ok(
          got.firstAt >= 0 && got.firstAt < STREAM_PAUSE_MS - 100,
          `the first event came decoded after ${got.firstAt}ms; the origin paused ${STREAM_PAUSE_MS}ms`,
        );
      });

      await t.test("the connection stays usable after compressed responses", async () => {
        const c = await RawClient.open(port);
        try {
          for (const ae of ["gzip", "br", "identity", "gzip"]) {
            c.write(`GET /page HTTP/1.1\r\nHost: test\r\nAccept-Encoding: ${ae}\r\n\r\n`);
            const res = await c.response({ timeoutMs: 10_000 });
            assert.equal(sha(decode(res)), sha(PAGE), ae);
          }
          // pipelined: both answers in order on one connection
          c.write(
            "GET /page HTTP/1.1\r\nHost: t\r\nAccept-Encoding: br\r\n\r\n" +
              "GET /plain HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n",
          );
          const a = await c.response({ timeoutMs: 10_000 });
          const b = await c.response({ timeoutMs: 10_000 });
          assert.equal(header(a, "content-encoding"), "br");
          assert.equal(header(b, "content-encoding"), "gzip");
          assert.equal(sha(decode(a)), sha(PAGE));
          assert.equal(sha(decode(b)), sha(PAGE));
        } finally {
          c.destroy();
        }
      });
      assert.deepEqual(origin.errors, []);
    } finally {
      await proxy.stop();
      await origin.close();
    }
  });
}
