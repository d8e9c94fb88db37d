/** H2Connection's normal work: requests in, responses out, flow control both ways, trailers, a 431 for an oversized section. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { H2_ERROR } from "../../../src/h2/errors.ts";
import { FLAG, FRAME, SETTING } from "../../../src/h2/frame.ts";
import { dataContent } from "../../../src/h2/frame_parse.ts";
import {
  encodeData,
  encodeHeaders,
  encodeRstStream,
  encodeSettings,
  encodeWindowUpdate,
} from "../../../src/h2/frame_writer.ts";
import { HpackDecoder } from "../../../src/h2/hpack_decoder.ts";
import { GET, TestClient } from "./_client.ts";

test("H2Connection writes its SETTINGS first and opens the connection window", () => {
  const c = new TestClient({ maxConcurrentStreams: 7, connectionWindowSize: 1 << 20 });
  c.drain();
  assert.deepEqual(c.written.map((f) => f.type), [FRAME.SETTINGS, FRAME.WINDOW_UPDATE]);
  assert.equal(new DataView(c.written[0]!.payload.buffer).getUint32(2), 7);
});

test("H2Connection: a GET becomes a headers event; the response goes out as HEADERS + DATA", () => {
  const c = TestClient.open();
  c.send(c.headers(1, [...GET, ["user-agent", "t/1"]]));
  const ev = c.events.find((e) => e.type === "headers");
  assert.ok(ev && ev.type === "headers");
  assert.deepEqual(ev.request.pseudo, {
    method: "GET",
    scheme: "https",
    authority: "example.com",
    path: "/",
  });
  assert.equal(ev.endStream, true);
  assert.deepEqual(ev.headers.at(-1), { name: "user-agent", lname: "user-agent", value: "t/1" });
  c.conn.respond(1, [{ name: ":status", value: "200" }, {
    name: "content-type",
    value: "text/plain",
  }], false);
  c.conn.sendData(1, new TextEncoder().encode("hello"), true);
  c.drain();
  const [h, d] = c.written;
  assert.equal(h!.type, FRAME.HEADERS);
  assert.deepEqual(new HpackDecoder().decode(h!.payload).headers.map((x) => x.value), [
    "200",
    "text/plain",
  ]);
  assert.equal(d!.type, FRAME.DATA);
  assert.equal(d!.flags, FLAG.END_STREAM);
  assert.equal(new TextDecoder().decode(d!.payload), "hello");
  assert.equal(c.conn.streams.open.size, 0);
});

test("H2Connection: request body, trailers, and WINDOW_UPDATEs once half the window is released", () => {
  const c = TestClient.open({ initialWindowSize: 1000, connectionWindowSize: 65535 });
  const post: [string, string][] = [[":method", "POST"], [":scheme", "http"], [":path", "/p"], [
    ":authority",
    "a",
  ], ["te", "trailers"]];
  c.send(c.headers(1, post, false), encodeData(1, new Uint8Array(600), false));
  const data = c.events.filter((e) => e.type === "data");
  assert.equal(data.length, 1);
  assert.equal(c.written.filter((f) => f.type === FRAME.WINDOW_UPDATE).length, 0);
  c.conn.release(1, 600);
  c.drain();
  const wu = c.written.filter((f) => f.type === FRAME.WINDOW_UPDATE).map((f) => f.streamId);
  assert.deepEqual(wu, [1]);
  c.send(encodeData(1, new Uint8Array(900), false), c.headers(1, [["x-checksum", "abc"]], true));
  const t = c.events.at(-1)!;
  assert.equal(t.type, "trailers");
  assert.equal(c.goaway(), null);
});

test("H2Connection: response data waits for the client's windows, then resumes on WINDOW_UPDATE", () => {
  const c = TestClient.open();
  c.send(encodeSettings([{ id: SETTING.INITIAL_WINDOW_SIZE, value: 10 }]), c.headers(1));
  c.conn.respond(1, [{ name: ":status", value: "200" }], false);
  c.conn.sendData(1, new Uint8Array(25).fill(7), true);
  c.drain();
  const sent = () =>
    c.written.filter((f) => f.type === FRAME.DATA).reduce((n, f) => n + dataContent(f).length, 0);
  assert.equal(sent(), 10);
  c.send(encodeWindowUpdate(1, 10));
  assert.equal(sent(), 20);
  c.send(encodeWindowUpdate(1, 100));
  assert.equal(sent(), 25);
  assert.equal(c.written.at(-1)!.flags & FLAG.END_STREAM, FLAG.END_STREAM);
  assert.equal(c.conn.streams.open.size, 0);
});

test("H2Connection: sendTrailers ends the stream with a HEADERS after the data", () => {
  const c = TestClient.open();
  c.send(c.headers(1));
  c.conn.respond(1, [{ name: ":status", value: "200" }], false);
  c.conn.sendData(1, new Uint8Array(3), false);
  c.conn.sendTrailers(1, [{ name: "grpc-status", value: "0" }]);
  c.drain();
  assert.deepEqual(c.written.map((f) => [f.type, f.flags & FLAG.END_STREAM]), [
    [FRAME.HEADERS, 0],
    [FRAME.DATA, 0],
    [FRAME.HEADERS, FLAG.END_STREAM],
  ]);
});

test("H2Connection: a field section over maxHeaderListSize is answered 431 and counted; the connection goes on", () => {
  const c = TestClient.open({ maxHeaderListSize: 1024 });
  c.send(encodeHeaders(1, c.block([...GET, ["x-big", "v".repeat(2000)]]), { endStream: true }));
  const r = c.events.find((e) => e.type === "refused");
  assert.ok(r && r.type === "refused" && r.status === 431);
  const h = c.written.find((f) => f.type === FRAME.HEADERS)!;
  assert.equal(new HpackDecoder().decode(h.payload).headers[0]!.value, "431");
  assert.equal(c.conn.glitches.headerListTooLarge, 1);
  c.send(c.headers(3));
  assert.ok(c.events.some((e) => e.type === "headers" && e.streamId === 3));
});

test("H2Connection: the client's RST_STREAM before a response is a rapid-reset glitch, after one it is not", () => {
  const c = TestClient.open();
  c.send(c.headers(1, GET, false), encodeRstStream(1, H2_ERROR.CANCEL));
  c.send(c.headers(3, GET, false));
  c.conn.respond(3, [{ name: ":status", value: "200" }], false);
  c.send(encodeRstStream(3, H2_ERROR.CANCEL));
  assert.equal(c.conn.glitches.rapidReset, 1);
  assert.deepEqual(c.events.filter((e) => e.type === "reset").map((e) => e.streamId), [1, 3]);
});

test("H2Connection.goaway(): open streams go on, a new stream is refused", () => {
  const c = TestClient.open();
  c.send(c.headers(1));
  c.conn.goaway();
  c.send(c.headers(3));
  assert.equal(c.goaway(), H2_ERROR.NO_ERROR);
  assert.equal(c.rst(3), H2_ERROR.REFUSED_STREAM);
  c.conn.respond(1, [{ name: ":status", value: "204" }], true);
  c.drain();
  assert.equal(c.written.at(-1)!.type, FRAME.HEADERS);
  assert.equal(c.conn.streams.open.size, 0);
});
