/** H2Connection: a table of protocol errors in the manner of h2spec, each with the exact GOAWAY or RST_STREAM code. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { errorName, H2_ERROR } from "../../../src/h2/errors.ts";
import { CLIENT_PREFACE, FLAG, FRAME, SETTING } from "../../../src/h2/frame.ts";
import {
  encodeContinuation,
  encodeData,
  encodeFrame,
  encodeHeaders,
  encodePing,
  encodePriority,
  encodePushPromise,
  encodeRstStream,
  encodeSettings,
  encodeWindowUpdate,
} from "../../../src/h2/frame_writer.ts";
import type { H2Limits } from "../../../src/h2/limits.ts";
import { GET, TestClient } from "./_client.ts";
import { hex } from "./_hex.ts";

const E = H2_ERROR;
type Expect = { goaway: number } | { rst: [number, number] };

interface Case {
  name: string;
  limits?: Partial<H2Limits>;
  /** Sends frames after the preface and SETTINGS exchange (or instead of the preface when `raw`). */
  run: (c: TestClient) => void;
  raw?: boolean;
  expect: Expect;
}

const setting = (id: number, value: number) => encodeSettings([{ id, value }]);
const post = (len?: number): [string, string][] => [
  [":method", "POST"],
  [":scheme", "https"],
  [":path", "/upload"],
  [":authority", "example.com"],
  ...(len === undefined ? [] : [["content-length", String(len)] as [string, string]]),
];
const without = (name: string) => GET.filter(([n]) => n !== name);

const CASES: Case[] = [
  // §3.4 preface and first SETTINGS
  {
    name: "invalid connection preface",
    raw: true,
    run: (c) => c.send(new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n")),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "PING before the client's SETTINGS",
    raw: true,
    run: (c) => c.send(CLIENT_PREFACE, encodePing(new Uint8Array(8))),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "SETTINGS ACK as the first frame",
    raw: true,
    run: (c) => c.send(CLIENT_PREFACE, encodeSettings([], true)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  // §4.2 frame size
  {
    name: "DATA over SETTINGS_MAX_FRAME_SIZE",
    run: (c) => c.send(c.headers(1, post(), false), encodeData(1, new Uint8Array(16385), false)),
    expect: { goaway: E.FRAME_SIZE_ERROR },
  },
  {
    name: "HEADERS over SETTINGS_MAX_FRAME_SIZE",
    run: (c) => c.send(encodeFrame(FRAME.HEADERS, FLAG.END_HEADERS, 1, new Uint8Array(20000))),
    expect: { goaway: E.FRAME_SIZE_ERROR },
  },
  // §5.1 stream states
  {
    name: "DATA on an idle stream",
    run: (c) => c.send(encodeData(1, hex("00"), true)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "RST_STREAM on an idle stream",
    run: (c) => c.send(encodeRstStream(1, E.CANCEL)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "WINDOW_UPDATE on an idle stream",
    run: (c) => c.send(encodeWindowUpdate(1, 100)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "CONTINUATION on an idle stream",
    run: (c) => c.send(encodeContinuation(1, c.block(GET), true)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "HEADERS on an even (server) stream",
    run: (c) => c.send(c.headers(2)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "HEADERS with a stream id below the previous one",
    run: (c) => c.send(c.headers(5), c.headers(3)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "DATA on a half-closed (remote) stream",
    run: (c) => c.send(c.headers(1), encodeData(1, hex("00"), true)),
    expect: { rst: [1, E.STREAM_CLOSED] },
  },
  {
    name: "HEADERS on a half-closed (remote) stream",
    run: (c) => c.send(c.headers(1), c.headers(1, [["x-a", "b"]])),
    expect: { rst: [1, E.STREAM_CLOSED] },
  },
  {
    name: "DATA on a stream the client reset",
    run: (c) =>
      c.send(
        c.headers(1, post(), false),
        encodeRstStream(1, E.CANCEL),
        encodeData(1, hex("00"), true),
      ),
    expect: { rst: [1, E.STREAM_CLOSED] },
  },
  {
    name: "HEADERS on a stream the client reset",
    run: (c) => c.send(c.headers(1, post(), false), encodeRstStream(1, E.CANCEL), c.headers(1)),
    expect: { goaway: E.STREAM_CLOSED },
  },
  {
    name: "a stream over SETTINGS_MAX_CONCURRENT_STREAMS",
    limits: { maxConcurrentStreams: 2 },
    run: (c) =>
      c.send(c.headers(1, post(), false), c.headers(3, post(), false), c.headers(5, post(), false)),
    expect: { rst: [5, E.REFUSED_STREAM] },
  },
  // §5.3 priority
  {
    name: "HEADERS depending on its own stream",
    run: (c) =>
      c.send(
        encodeHeaders(1, c.block(GET), {
          endStream: true,
          priority: { dependsOn: 1, exclusive: false, weight: 16 },
        }),
      ),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
  {
    name: "PRIORITY depending on its own stream",
    run: (c) => c.send(encodePriority(3, { dependsOn: 3, exclusive: false, weight: 16 })),
    expect: { rst: [3, E.PROTOCOL_ERROR] },
  },
  {
    name: "PRIORITY of 4 bytes",
    run: (c) => c.send(encodeFrame(FRAME.PRIORITY, 0, 3, new Uint8Array(4))),
    expect: { rst: [3, E.FRAME_SIZE_ERROR] },
  },
  {
    name: "PRIORITY on stream 0",
    run: (c) => c.send(encodePriority(0, { dependsOn: 1, exclusive: false, weight: 16 })),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  // §6.1 DATA, §6.2 HEADERS
  {
    name: "DATA on stream 0",
    run: (c) => c.send(encodeData(0, hex("00"), true)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "DATA whose padding fills the payload",
    run: (c) =>
      c.send(
        c.headers(1, post(), false),
        encodeFrame(FRAME.DATA, FLAG.PADDED | FLAG.END_STREAM, 1, hex("06 0000000000")),
      ),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "HEADERS on stream 0",
    run: (c) => c.send(encodeHeaders(0, c.block(GET), { endStream: true })),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "HEADERS whose padding exceeds the payload",
    run: (c) => {
      const b = c.block(GET);
      const p = new Uint8Array(1 + b.length);
      p[0] = b.length + 1;
      p.set(b, 1);
      c.send(encodeFrame(FRAME.HEADERS, FLAG.PADDED | FLAG.END_HEADERS | FLAG.END_STREAM, 1, p));
    },
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  // §6.4 RST_STREAM
  {
    name: "RST_STREAM on stream 0",
    run: (c) => c.send(encodeRstStream(0, E.CANCEL)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "RST_STREAM of 3 bytes",
    run: (c) =>
      c.send(c.headers(1, post(), false), encodeFrame(FRAME.RST_STREAM, 0, 1, new Uint8Array(3))),
    expect: { goaway: E.FRAME_SIZE_ERROR },
  },
  // §6.5 SETTINGS
  {
    name: "SETTINGS on stream 1",
    run: (c) => c.send(encodeFrame(FRAME.SETTINGS, 0, 1, new Uint8Array(0))),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "SETTINGS ACK with a payload",
    run: (c) => c.send(encodeFrame(FRAME.SETTINGS, FLAG.ACK, 0, new Uint8Array(6))),
    expect: { goaway: E.FRAME_SIZE_ERROR },
  },
  {
    name: "SETTINGS of 5 bytes",
    run: (c) => c.send(encodeFrame(FRAME.SETTINGS, 0, 0, new Uint8Array(5))),
    expect: { goaway: E.FRAME_SIZE_ERROR },
  },
  {
    name: "SETTINGS_ENABLE_PUSH 2",
    run: (c) => c.send(setting(SETTING.ENABLE_PUSH, 2)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "SETTINGS_INITIAL_WINDOW_SIZE 2^31",
    run: (c) => c.send(setting(SETTING.INITIAL_WINDOW_SIZE, 0x80000000)),
    expect: { goaway: E.FLOW_CONTROL_ERROR },
  },
  {
    name: "SETTINGS_MAX_FRAME_SIZE 16383",
    run: (c) => c.send(setting(SETTING.MAX_FRAME_SIZE, 16383)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "SETTINGS_MAX_FRAME_SIZE 2^24",
    run: (c) => c.send(setting(SETTING.MAX_FRAME_SIZE, 1 << 24)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "SETTINGS_INITIAL_WINDOW_SIZE raising an open stream's window past 2^31-1",
    run: (c) =>
      c.send(
        c.headers(1),
        encodeWindowUpdate(1, 0x7fffffff - 65535),
        setting(SETTING.INITIAL_WINDOW_SIZE, 65536),
      ),
    expect: { goaway: E.FLOW_CONTROL_ERROR },
  },
  // §6.6-§6.8
  {
    name: "PUSH_PROMISE from a client",
    run: (c) => c.send(c.headers(1, post(), false), encodePushPromise(1, 2, c.block(GET))),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "PING on stream 1",
    run: (c) => c.send(encodeFrame(FRAME.PING, 0, 1, new Uint8Array(8))),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "PING of 7 bytes",
    run: (c) => c.send(encodeFrame(FRAME.PING, 0, 0, new Uint8Array(7))),
    expect: { goaway: E.FRAME_SIZE_ERROR },
  },
  {
    name: "GOAWAY on stream 1",
    run: (c) => c.send(encodeFrame(FRAME.GOAWAY, 0, 1, new Uint8Array(8))),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "GOAWAY of 7 bytes",
    run: (c) => c.send(encodeFrame(FRAME.GOAWAY, 0, 0, new Uint8Array(7))),
    expect: { goaway: E.FRAME_SIZE_ERROR },
  },
  // §6.9 WINDOW_UPDATE and flow control
  {
    name: "WINDOW_UPDATE of 0 on the connection",
    run: (c) => c.send(encodeWindowUpdate(0, 0)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "WINDOW_UPDATE of 0 on a stream",
    run: (c) => c.send(c.headers(1, post(), false), encodeWindowUpdate(1, 0)),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
  {
    name: "WINDOW_UPDATE of 3 bytes",
    run: (c) => c.send(encodeFrame(FRAME.WINDOW_UPDATE, 0, 0, new Uint8Array(3))),
    expect: { goaway: E.FRAME_SIZE_ERROR },
  },
  {
    name: "WINDOW_UPDATE overflowing the connection window",
    run: (c) => c.send(encodeWindowUpdate(0, 0x7fffffff)),
    expect: { goaway: E.FLOW_CONTROL_ERROR },
  },
  {
    name: "WINDOW_UPDATE overflowing a stream window",
    run: (c) => c.send(c.headers(1, post(), false), encodeWindowUpdate(1, 0x7fffffff)),
    expect: { rst: [1, E.FLOW_CONTROL_ERROR] },
  },
  {
    name: "DATA over the stream window",
    limits: { initialWindowSize: 100 },
    run: (c) => c.send(c.headers(1, post(), false), encodeData(1, new Uint8Array(101), false)),
    expect: { rst: [1, E.FLOW_CONTROL_ERROR] },
  },
  {
    name: "DATA over the connection window",
    limits: { connectionWindowSize: 65535, initialWindowSize: 1 << 20 },
    run: (c) =>
      c.send(
        c.headers(1, post(), false),
        ...Array.from({ length: 5 }, () => encodeData(1, new Uint8Array(16384), false)),
      ),
    expect: { goaway: E.FLOW_CONTROL_ERROR },
  },
  // §6.10 CONTINUATION
  {
    name: "CONTINUATION after END_HEADERS",
    run: (c) =>
      c.send(c.headers(1, post(), false), encodeContinuation(1, c.block([["x-a", "b"]]), true)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "DATA inside a field block",
    run: (c) =>
      c.send(
        encodeHeaders(1, c.block(post()), { endHeaders: false }),
        encodeData(1, hex("00"), true),
      ),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    name: "CONTINUATION on another stream",
    run: (c) =>
      c.send(
        encodeHeaders(1, c.block(GET), { endHeaders: false }),
        encodeContinuation(3, new Uint8Array(0), true),
      ),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  // RFC 7541: HPACK
  {
    name: "HPACK index 0",
    run: (c) => c.send(encodeHeaders(1, hex("80"), { endStream: true })),
    expect: { goaway: E.COMPRESSION_ERROR },
  },
  {
    name: "HPACK index beyond both tables",
    run: (c) => c.send(encodeHeaders(1, hex("828684 ff0a"), { endStream: true })),
    expect: { goaway: E.COMPRESSION_ERROR },
  },
  {
    name: "HPACK table size update over SETTINGS_HEADER_TABLE_SIZE",
    run: (c) => c.send(encodeHeaders(1, hex("3fe21f 828684"), { endStream: true })),
    expect: { goaway: E.COMPRESSION_ERROR },
  },
  {
    name: "HPACK table size update after a field",
    run: (c) => c.send(encodeHeaders(1, hex("82 20 8684"), { endStream: true })),
    expect: { goaway: E.COMPRESSION_ERROR },
  },
  {
    name: "HPACK Huffman string with EOS",
    run: (c) => c.send(encodeHeaders(1, hex("828684 41 84ffffffff"), { endStream: true })),
    expect: { goaway: E.COMPRESSION_ERROR },
  },
  // §8.1-§8.3 malformed requests
  {
    name: "request without :method",
    run: (c) => c.send(c.headers(1, without(":method"))),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
  {
    name: "request without :scheme",
    run: (c) => c.send(c.headers(1, without(":scheme"))),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
  {
    name: "request without :path",
    run: (c) => c.send(c.headers(1, without(":path"))),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
  {
    name: "request with an empty :path",
    run: (c) => c.send(c.headers(1, [...without(":path"), [":path", ""]])),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
  {
    name: "request with an unknown pseudo-header",
    run: (c) => c.send(c.headers(1, [...GET, [":foo", "bar"]])),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
  {
    name: "request with :status",
    run: (c) => c.send(c.headers(1, [...GET, [":status", "200"]])),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
  {
    name: "request with :method twice",
    run: (c) => c.send(c.headers(1, [...GET, [":method", "GET"]])),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
  {
    name: "pseudo-header after a regular field",
    run: (c) =>
      c.send(
        c.headers(1, [...without(":authority"), ["accept", "*/*"], [":authority", "example.com"]]),
      ),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
  {
    name: "upper-case field name",
    run: (c) => c.send(c.headers(1, [...GET, ["X-Upper", "1"]])),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
  {
    name: "connection-specific field (connection)",
    run: (c) => c.send(c.headers(1, [...GET, ["connection", "keep-alive"]])),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
  {
    name: "connection-specific field (transfer-encoding)",
    run: (c) => c.send(c.headers(1, [...GET, ["transfer-encoding", "chunked"]])),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
  {
    name: "te other than trailers",
    run: (c) => c.send(c.headers(1, [...GET, ["te", "gzip"]])),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
  {
    name: "CR LF in a field value",
    run: (c) => c.send(c.headers(1, [...GET, ["x-a", "b\r\nx-b: c"]])),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
  {
    name: "host differing from :authority",
    run: (c) => c.send(c.headers(1, [...GET, ["host", "other.example"]])),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
  {
    name: "trailers with a pseudo-header",
    run: (c) => c.send(c.headers(1, post(), false), c.headers(1, [[":path", "/x"]], true)),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
  {
    name: "trailers without END_STREAM",
    run: (c) => c.send(c.headers(1, post(), false), c.headers(1, [["x-t", "1"]], false)),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
  {
    name: "DATA longer than content-length",
    run: (c) => c.send(c.headers(1, post(3), false), encodeData(1, new Uint8Array(4), true)),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
  {
    name: "DATA shorter than content-length",
    run: (c) => c.send(c.headers(1, post(5), false), encodeData(1, new Uint8Array(4), true)),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
  {
    name: "END_STREAM on HEADERS with content-length 10",
    run: (c) => c.send(c.headers(1, post(10), true)),
    expect: { rst: [1, E.PROTOCOL_ERROR] },
  },
  // Floods and glitches
  {
    name: "rapid reset flood (CVE-2023-44487)",
    limits: { glitchesThreshold: 20 },
    run: (c) => {
      for (let id = 1; id < 100; id += 2) {
        c.send(c.headers(id, post(), false), encodeRstStream(id, E.CANCEL));
      }
    },
    expect: { goaway: E.ENHANCE_YOUR_CALM },
  },
  {
    name: "CONTINUATION flood (CVE-2024-27316)",
    run: (c) => {
      c.send(encodeHeaders(1, c.block(GET), { endHeaders: false }));
      for (let i = 0; i < 100; i++) c.send(encodeContinuation(1, hex("00"), false));
    },
    expect: { goaway: E.ENHANCE_YOUR_CALM },
  },
  {
    name: "field block over maxHeaderListSize",
    limits: { maxHeaderListSize: 4096 },
    run: (c) => c.send(encodeHeaders(1, new Uint8Array(5000), { endHeaders: false })),
    expect: { goaway: E.ENHANCE_YOUR_CALM },
  },
  {
    name: "PING flood",
    run: (c) =>
      c.conn.receive(concat(Array.from({ length: 1200 }, () => encodePing(new Uint8Array(8))))),
    expect: { goaway: E.ENHANCE_YOUR_CALM },
  },
  {
    name: "SETTINGS flood",
    run: (c) => c.conn.receive(concat(Array.from({ length: 1200 }, () => encodeSettings([])))),
    expect: { goaway: E.ENHANCE_YOUR_CALM },
  },
  {
    name: "empty DATA flood",
    limits: { glitchesThreshold: 50 },
    run: (c) =>
      c.send(
        c.headers(1, post(), false),
        ...Array.from({ length: 60 }, () => encodeData(1, new Uint8Array(0), false)),
      ),
    expect: { goaway: E.ENHANCE_YOUR_CALM },
  },
];

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function describe(e: Expect): string {
  return "goaway" in e
    ? `GOAWAY ${errorName(e.goaway)}`
    : `RST_STREAM ${e.rst[0]} ${errorName(e.rst[1])}`;
}

test(`the table holds at least 40 protocol-error cases (${CASES.length})`, () => {
  assert.ok(CASES.length >= 40);
});

for (const k of CASES) {
  test(`H2Connection: ${k.name} → ${describe(k.expect)}`, () => {
    const c = k.raw ? new TestClient(k.limits) : TestClient.open(k.limits);
    if (k.raw) c.drain();
    c.written.length = 0;
    k.run(c);
    c.drain();
    if ("goaway" in k.expect) {
      assert.equal(errorName(c.goaway() ?? -1), errorName(k.expect.goaway));
      assert.equal(c.conn.closed, true);
      const err = c.events.find((e) => e.type === "error");
      assert.ok(err, "an error event");
    } else {
      const [sid, code] = k.expect.rst;
      assert.equal(c.goaway(), null, "no GOAWAY");
      assert.equal(errorName(c.rst(sid) ?? -1), errorName(code));
      assert.equal(c.conn.streams.open.has(sid), false, "the stream is gone");
    }
  });
}

test("PING is answered with the same opaque bytes, SETTINGS with an ACK; unknown frame types are ignored", () => {
  const c = TestClient.open();
  const opaque = hex("0102030405060708");
  c.send(
    encodePing(opaque),
    setting(SETTING.MAX_FRAME_SIZE, 20000),
    encodeFrame(0x42, 0, 0, hex("ff")),
  );
  const ping = c.written.find((f) => f.type === FRAME.PING)!;
  assert.equal(ping.flags, FLAG.ACK);
  assert.deepEqual(ping.payload, opaque);
  assert.ok(c.written.some((f) => f.type === FRAME.SETTINGS && f.flags === FLAG.ACK));
  assert.equal(c.goaway(), null);
});

test("a stream error leaves the connection serving: the next request on it is reported", () => {
  const c = TestClient.open();
  c.send(c.headers(1, [...GET, ["X-Bad", "1"]]), c.headers(3));
  assert.equal(c.rst(1), E.PROTOCOL_ERROR);
  const h = c.events.filter((e) => e.type === "headers");
  assert.deepEqual(h.map((e) => e.streamId), [3]);
  assert.equal(c.conn.glitches.streamError, 1);
});
