/** Tests for the compression stage: choice and offload, the head rewrite, chunk framing, backpressure. */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import * as zlib from "node:zlib";
import type { EffectiveCompression } from "../../../../src/compress/policy.ts";
import type { RequestHead, ResponseHead } from "../../../../src/http1/types.ts";
import {
  type BodyCompressor,
  chooseCompression,
  type CompressorIo,
  FLUSH_DELAY_MS,
  FrontendCompression,
} from "../../../../src/proxy/http/compress.ts";
import { htmlLike } from "../../compress/html.ts";
import { FakeSocket } from "../_fake_socket.ts";

const CFG: EffectiveCompression = {
  algos: ["br", "gzip"],
  types: ["text/html"],
  offload: true,
  minsize: 100,
  levels: { gzip: 1, deflate: 1, br: 4, zstd: 3 },
};

function fields(pairs: [string, string][]) {
  return pairs.map(([name, value]) => ({ name, lname: name.toLowerCase(), value }));
}

function request(pairs: [string, string][], method = "GET", minor: 0 | 1 = 1): RequestHead {
  return {
    kind: "request",
    method,
    target: "/",
    minor,
    version: 1,
    headers: fields(pairs),
    headLength: 0,
  };
}

function response(pairs: [string, string][], status = 200): ResponseHead {
  return {
    kind: "response",
    minor: 1,
    status,
    reason: "OK",
    headers: fields(pairs),
    headLength: 0,
  };
}

/** An io whose client accepts writes while `open` holds; the decoded chunked output in `body()`. */
function fakeIo(server = new FakeSocket()) {
  const out: Uint8Array[] = [];
  const state = { open: true, failed: null as Error | null };
  const io: CompressorIo = {
    write: (b) => {
      out.push(b);
      return state.open;
    },
    server: () => server,
    failed: (e) => (state.failed = e),
  };
  return { io, out, state, server, raw: () => Buffer.concat(out) };
}

/** Decodes a chunked body that ends with the last chunk; throws on bad framing. */
function unchunk(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let off = 0;
  for (;;) {
    const eol = raw.indexOf("\r\n", off);
    const size = parseInt(raw.subarray(off, eol).toString("latin1"), 16);
    assert.ok(size > 0 || raw.subarray(eol).toString("latin1") === "\r\n\r\n", "bad last chunk");
    if (size === 0) return Buffer.concat(parts);
    parts.push(raw.subarray(eol + 2, eol + 2 + size));
    assert.equal(raw.subarray(eol + 2 + size, eol + 4 + size).toString("latin1"), "\r\n");
    off = eol + 4 + size;
  }
}

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

function finish(c: BodyCompressor): Promise<void> {
  return new Promise((resolve) => c.end(resolve));
}

test("chooseCompression() with offload removes Accept-Encoding only when it chose an algorithm", () => {
  const fc = new FrontendCompression(new Map([["app", CFG]]));
  const chosen = request([["Host", "a"], ["Accept-Encoding", "gzip"], [
    "accept-encoding",
    "br;q=0.5",
  ]]);
  assert.equal(chooseCompression(fc, "app", chosen)?.algo, "gzip");
  assert.deepEqual(chosen.headers.map((f) => f.lname), ["host"]);
  const none = request([["Accept-Encoding", "identity"]]);
  assert.equal(chooseCompression(fc, "app", none)?.algo, undefined);
  assert.equal(none.headers.length, 1);
  assert.equal(chooseCompression(fc, "other", request([["Accept-Encoding", "gzip"]])), null);
  assert.equal(chooseCompression(null, "app", request([["Accept-Encoding", "gzip"]])), null);
});

test("CompressionChoice.respond() rewrites a qualifying head and counts what it bypasses", () => {
  const fc = new FrontendCompression(new Map([["app", CFG]]));
  const { io } = fakeIo();
  const ok = response([["Content-Type", "text/html"], ["Content-Length", "5000"], ["ETag", '"x"']]);
  assert.ok(chooseCompression(fc, "app", request([["Accept-Encoding", "br"]]))!.respond(
    request([]),
    ok,
    io,
  ));
  assert.deepEqual(ok.headers.map((f) => `${f.lname}: ${f.value}`), [
    "content-type: text/html",
    'etag: W/"x"',
    "content-encoding: br",
    "transfer-encoding: chunked",
    "vary: Accept-Encoding",
  ]);
  const skipped = [
    response([["Content-Type", "image/png"]]),
    response([["Content-Type", "text/html"], ["Content-Length", "99"]]),
    response([["Content-Type", "text/html"]], 404),
  ];
  for (const res of skipped) {
    const before = JSON.stringify(res.headers);
    const choice = chooseCompression(fc, "app", request([["Accept-Encoding", "gzip"]]))!;
    assert.equal(choice.respond(request([]), res, io), null);
    assert.equal(JSON.stringify(res.headers), before, "a bypassed head is left alone");
  }
  const http10 = chooseCompression(fc, "app", request([["Accept-Encoding", "gzip"]], "GET", 0))!;
  assert.equal(
    http10.respond(request([], "GET", 0), response([["Content-Type", "text/html"]]), io),
    null,
  );
  const noAlgo = chooseCompression(fc, "app", request([]))!;
  assert.equal(noAlgo.respond(request([]), response([["Content-Type", "text/html"]]), io), null);
  assert.equal(fc.counters.compRsp, 1);
  assert.equal(fc.counters.bypassed, 5);
});

for (const [what, chunked] of [["a length-delimited", false], ["a chunked", true]] as const) {
  test(`BodyCompressor encodes ${what} body into chunks that decode to it`, async () => {
    const fc = new FrontendCompression(new Map([["app", CFG]]));
    const body = Buffer.from(htmlLike(200_000, 5));
    const { io, raw } = fakeIo();
    const head = chunked ? [["Transfer-Encoding", "chunked"] as [string, string]] : [];
    const res = response([["Content-Type", "text/html"], ...head]);
    const c = chooseCompression(fc, "app", request([["Accept-Encoding", "gzip"]]))!
      .respond(request([]), res, io)!;
    for (let off = 0; off < body.length; off += 7000) {
      const part = body.subarray(off, off + 7000);
      // chunked: the server's framing, split across writes at awkward places
      c.write(
        chunked
          ? Buffer.from(
            `${part.length.toString(16)};ext=1\r\n${part.toString("latin1")}\r\n`,
            "latin1",
          )
          : part,
      );
    }
    if (chunked) c.write(Buffer.from("0\r\nX-Trailer: t\r\n\r\n"));
    await finish(c);
    assert.ok(c.finished);
    const decoded = zlib.gunzipSync(unchunk(raw()));
    assert.equal(sha(decoded), sha(body));
    assert.equal(fc.counters.compIn, body.length);
    assert.ok(fc.counters.compOut > 0 && fc.counters.compOut < body.length / 2);
  });
}

test("BodyCompressor flushes a quiet stream within FLUSH_DELAY_MS", async () => {
  const fc = new FrontendCompression(new Map([["app", { ...CFG, algos: ["br"] }]]));
  const { io, raw } = fakeIo();
  const c = chooseCompression(fc, "app", request([["Accept-Encoding", "br"]]))!
    .respond(request([]), response([["Content-Type", "text/html"]]), io)!;
  c.write(Buffer.from("data: event one\n\n"));
  await new Promise((r) => setTimeout(r, FLUSH_DELAY_MS + 100));
  const partial = raw();
  assert.ok(partial.length > 0, "nothing came out of the encoder");
  // what came out so far decodes to the event, although the stream has not ended
  const d = zlib.createBrotliDecompress();
  const got: Buffer[] = [];
  d.on("data", (x: Buffer) => got.push(x));
  const parts: Buffer[] = [];
  let off = 0;
  while (off < partial.length) {
    const eol = partial.indexOf("\r\n", off);
    const size = parseInt(partial.subarray(off, eol).toString("latin1"), 16);
    parts.push(partial.subarray(eol + 2, eol + 2 + size));
    off = eol + 4 + size;
  }
  d.write(Buffer.concat(parts));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(Buffer.concat(got).toString(), "data: event one\n\n");
  d.destroy();
  c.destroy();
});

test("BodyCompressor: a congested client pauses the encoder, then the server; drains resume both", async () => {
  const fc = new FrontendCompression(new Map([["app", { ...CFG, algos: ["gzip"] }]]));
  const { io, state, server, raw } = fakeIo();
  const c = chooseCompression(fc, "app", request([["Accept-Encoding", "gzip"]]))!
    .respond(request([]), response([["Content-Type", "text/html"]]), io)!;
  state.open = false; // every client write now says "wait for drain"
  const chunks = Array.from({ length: 64 }, (_, i) => Buffer.from(htmlLike(64 * 1024, i + 1)));
  let sent = 0;
  for (let round = 0; round < 200 && !server.paused; round++) {
    if (sent < chunks.length) c.write(chunks[sent++]!);
    await new Promise((r) => setTimeout(r, 2));
  }
  assert.ok(server.paused, "the server was never paused");
  assert.ok(sent < chunks.length, "everything was taken in: the encoder's input is not bounded");
  const stalledAt = raw().length;
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(
    raw().length - stalledAt < 256 * 1024,
    "output kept coming while the client was congested",
  );
  state.open = true;
  c.clientDrained();
  for (let round = 0; round < 2000 && sent < chunks.length; round++) {
    if (!server.paused) c.write(chunks[sent++]!);
    else await new Promise((r) => setTimeout(r, 1));
  }
  await finish(c);
  assert.equal(sha(zlib.gunzipSync(unchunk(raw()))), sha(Buffer.concat(chunks)));
});

test("BodyCompressor.destroy() stops everything: no more output, no finish", async () => {
  const fc = new FrontendCompression(new Map([["app", CFG]]));
  const { io, out } = fakeIo();
  const c = chooseCompression(fc, "app", request([["Accept-Encoding", "gzip"]]))!
    .respond(request([]), response([["Content-Type", "text/html"]]), io)!;
  c.write(Buffer.from(htmlLike(100_000, 1)));
  let finished = false;
  c.end(() => (finished = true));
  c.destroy();
  const n = out.length;
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(out.length, n);
  assert.equal(finished, false);
});
