/** H2Connection in the client role: our preface, requests on odd streams, responses (interim, final, trailers) as events, the server's errors and limits. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { H2Connection } from "../../../src/h2/connection.ts";
import { H2_ERROR } from "../../../src/h2/errors.ts";
import type { H2Event } from "../../../src/h2/events.ts";
import { CLIENT_PREFACE, FRAME, SETTING } from "../../../src/h2/frame.ts";
import { FrameReader } from "../../../src/h2/frame_reader.ts";
import {
  encodeGoaway,
  encodeHeaders,
  encodePushPromise,
  encodeSettings,
} from "../../../src/h2/frame_writer.ts";
import { HpackEncoder } from "../../../src/h2/hpack_encoder.ts";
import { DEFAULT_H2_LIMITS } from "../../../src/h2/limits.ts";

const GET = [
  { name: ":method", value: "GET" },
  { name: ":scheme", value: "http" },
  { name: ":authority", value: "origin" },
  { name: ":path", value: "/" },
];

/** A client-role and a server-role connection wired to each other through `pump()`. */
function pair() {
  const clientEvents: H2Event[] = [], serverEvents: H2Event[] = [];
  const client = new H2Connection(DEFAULT_H2_LIMITS, (e) => clientEvents.push(e), "client");
  const server = new H2Connection(DEFAULT_H2_LIMITS, (e) => serverEvents.push(e));
  const pump = () => {
    for (let i = 0; i < 10; i++) {
      const a = client.takeOutput(), b = server.takeOutput();
      if (a === null && b === null) return;
      if (a !== null) server.receive(a);
      if (b !== null) client.receive(b);
    }
  };
  return { client, server, clientEvents, serverEvents, pump };
}

/** A client whose peer is scripted frame by frame; `frames()` reads what the client wrote. */
function scripted() {
  const events: H2Event[] = [];
  const client = new H2Connection(DEFAULT_H2_LIMITS, (e) => events.push(e), "client");
  const first = client.takeOutput()!;
  assert.deepEqual(first.subarray(0, CLIENT_PREFACE.length), CLIENT_PREFACE);
  client.receive(encodeSettings([]));
  const reader = new FrameReader(1 << 20);
  const frames = () => {
    const out: { type: number; streamId: number; payload: Uint8Array }[] = [];
    const bytes = client.takeOutput();
    if (bytes !== null) reader.push(bytes, (f) => out.push({ ...f, payload: f.payload.slice() }));
    return out;
  };
  return { client, events, frames, enc: new HpackEncoder() };
}

test("client role: a request on stream 1, the response with data and trailers as events", () => {
  const p = pair();
  const id = p.client.request(GET, true);
  assert.equal(id, 1);
  p.pump();
  const req = p.serverEvents.find((e) => e.type === "headers");
  assert.ok(req && req.type === "headers");
  assert.equal(req.request.pseudo.authority, "origin");
  p.server.respond(1, [{ name: ":status", value: "200" }, { name: "x-a", value: "b" }], false);
  p.server.sendData(1, new TextEncoder().encode("hello"), false);
  p.server.sendTrailers(1, [{ name: "grpc-status", value: "0" }]);
  p.pump();
  const types = p.clientEvents.map((e) => e.type);
  assert.deepEqual(types, ["response", "data", "trailers"]);
  const head = p.clientEvents[0]!;
  assert.ok(head.type === "response" && head.status === 200 && !head.endStream);
  assert.deepEqual(head.headers.map((f) => [f.name, f.value]), [["x-a", "b"]]);
  const data = p.clientEvents[1]!;
  assert.ok(data.type === "data" && new TextDecoder().decode(data.data) === "hello");
  assert.equal(p.client.streams.open.size, 0, "both sides ended: the stream is forgotten");
  assert.equal(p.client.request(GET, true), 3, "the next stream is 3");
});

test("client role: an interim 100 then the final head; a request body with END_STREAM", () => {
  const p = pair();
  const id = p.client.request([...GET.slice(0, 3), { name: ":path", value: "/up" }], false);
  p.client.sendData(id, new Uint8Array(10), true);
  p.pump();
  assert.ok(p.serverEvents.some((e) => e.type === "data" && e.endStream && e.data.length === 10));
  p.server.respond(id, [{ name: ":status", value: "100" }], false);
  p.server.respond(id, [{ name: ":status", value: "204" }], true);
  p.pump();
  const heads = p.clientEvents.filter((e) => e.type === "response");
  assert.deepEqual(heads.map((e) => e.type === "response" && [e.status, e.endStream]), [
    [100, false],
    [204, true],
  ]);
});

test("client role: the server's SETTINGS_MAX_CONCURRENT_STREAMS and GOAWAY bound canOpen", () => {
  const p = pair();
  p.pump();
  assert.equal(p.client.peerMaxConcurrentStreams, DEFAULT_H2_LIMITS.maxConcurrentStreams);
  const s = scripted();
  s.client.receive(encodeSettings([{ id: SETTING.MAX_CONCURRENT_STREAMS, value: 1 }]));
  assert.equal(s.client.canOpen, true);
  s.client.request(GET, true);
  assert.equal(s.client.canOpen, false, "one stream open of one allowed");
  s.client.receive(encodeGoaway(1, H2_ERROR.NO_ERROR));
  assert.equal(s.client.peerGoingAway, true);
  assert.ok(s.events.some((e) => e.type === "goaway" && e.lastStreamId === 1));
});

test("client role: PUSH_PROMISE is a connection error (push is disabled in our SETTINGS)", () => {
  const s = scripted();
  const sent = s.frames();
  assert.ok(sent.some((f) => f.type === FRAME.SETTINGS), "our SETTINGS went out");
  s.client.request(GET, true);
  s.frames();
  s.client.receive(encodePushPromise(1, 2, s.enc.encode(GET)));
  const err = s.events.find((e) => e.type === "error");
  assert.ok(
    err && err.type === "error" && err.code === H2_ERROR.PROTOCOL_ERROR,
    JSON.stringify(err),
  );
  // the reason alone: the log line adds "HTTP/2 connection error PROTOCOL_ERROR:" once
  assert.ok(!/connection error/i.test(err.reason), `reason without the prefix: ${err.reason}`);
  assert.ok(s.frames().some((f) => f.type === FRAME.GOAWAY));
});

test("client role: a response on a stream we never opened is a connection PROTOCOL_ERROR", () => {
  const s = scripted();
  s.client.receive(
    encodeHeaders(5, s.enc.encode([{ name: ":status", value: "200" }]), { endStream: true }),
  );
  const err = s.events.find((e) => e.type === "error");
  assert.ok(err && err.type === "error" && err.code === H2_ERROR.PROTOCOL_ERROR);
});

test("client role: malformed responses reset their stream (PROTOCOL_ERROR); the connection goes on", () => {
  const cases: [string, { name: string; value: string }[], boolean][] = [
    ["missing :status", [{ name: "x", value: "y" }], true],
    [
      "a request pseudo-header",
      [{ name: ":status", value: "200" }, { name: ":path", value: "/" }],
      true,
    ],
    ["connection-specific field", [{ name: ":status", value: "200" }, {
      name: "connection",
      value: "close",
    }], true],
    ["upper-case name", [{ name: ":status", value: "200" }, { name: "X-A", value: "b" }], true],
    ["interim with END_STREAM", [{ name: ":status", value: "103" }], true],
    ["content-length without body", [{ name: ":status", value: "200" }, {
      name: "content-length",
      value: "3",
    }], true],
  ];
  for (const [name, fields, end] of cases) {
    const s = scripted();
    const id = s.client.request(GET, true);
    s.frames();
    s.client.receive(encodeHeaders(id, s.enc.encode(fields), { endStream: end }));
    const reset = s.events.find((e) => e.type === "reset");
    assert.ok(reset && reset.type === "reset" && reset.code === H2_ERROR.PROTOCOL_ERROR, name);
    assert.ok(!s.events.some((e) => e.type === "error"), `${name}: no connection error`);
    const rst = s.frames().find((f) => f.type === FRAME.RST_STREAM);
    assert.ok(rst && rst.streamId === id, `${name}: RST_STREAM sent`);
  }
});

test("client role: a HEAD response's content-length counts no DATA", () => {
  const s = scripted();
  const id = s.client.request([{ name: ":method", value: "HEAD" }, ...GET.slice(1)], true, true);
  s.client.receive(
    encodeHeaders(
      id,
      s.enc.encode([
        { name: ":status", value: "200" },
        { name: "content-length", value: "1234" },
      ]),
      { endStream: true },
    ),
  );
  const head = s.events.find((e) => e.type === "response");
  assert.ok(head && head.type === "response" && head.endStream);
  assert.ok(!s.events.some((e) => e.type === "reset"));
});
