/** H2Sender: DATA straight from the caller's bytes within the windows, the end folded into the last queued DATA frame. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { FLAG, FRAME } from "../../../src/h2/frame.ts";
import { encodeWindowUpdate } from "../../../src/h2/frame_writer.ts";
import { TestClient } from "./_client.ts";

const dataFrames = (c: TestClient, id: number) =>
  c.written.filter((f) => f.type === FRAME.DATA && f.streamId === id).map((f) => ({
    bytes: [...f.payload],
    end: (f.flags & FLAG.END_STREAM) !== 0,
  }));

test("H2Sender: an end after the body sets END_STREAM on the body's DATA frame (no empty frame)", () => {
  const c = TestClient.open();
  c.send(c.headers(1), c.headers(3));
  c.conn.respond(1, [{ name: ":status", value: "200" }], false);
  c.conn.respond(3, [{ name: ":status", value: "200" }], false);
  const body = Uint8Array.of(1, 2, 3);
  c.conn.sendData(1, body, false);
  body.fill(9); // the caller's buffer is reused: what was queued is a copy
  c.conn.sendData(1, new Uint8Array(0), true);
  c.conn.sendData(3, Uint8Array.of(4), false);
  c.conn.sendData(3, new Uint8Array(0), true);
  c.drain();
  assert.deepEqual(dataFrames(c, 1), [{ bytes: [1, 2, 3], end: true }]);
  assert.deepEqual(dataFrames(c, 3), [{ bytes: [4], end: true }]);
  assert.equal(c.conn.streams.open.size, 0, "both streams closed");
});

test("H2Sender: an end after another stream's frame, or after the output was taken, is an empty DATA frame", () => {
  const c = TestClient.open();
  c.send(c.headers(1), c.headers(3));
  c.conn.respond(1, [{ name: ":status", value: "200" }], false);
  c.conn.respond(3, [{ name: ":status", value: "200" }], false);
  c.conn.sendData(1, Uint8Array.of(1), false);
  c.conn.sendData(3, Uint8Array.of(2), false);
  c.conn.sendData(1, new Uint8Array(0), true);
  c.drain();
  c.conn.sendData(3, new Uint8Array(0), true);
  c.drain();
  assert.deepEqual(dataFrames(c, 1), [{ bytes: [1], end: false }, { bytes: [], end: true }]);
  assert.deepEqual(dataFrames(c, 3), [{ bytes: [2], end: false }, { bytes: [], end: true }]);
});

test("H2Sender: what the stream window does not allow waits (copied) and goes with END_STREAM on WINDOW_UPDATE", () => {
  const c = TestClient.open({});
  c.send(c.headers(1));
  c.conn.respond(1, [{ name: ":status", value: "200" }], false);
  const big = new Uint8Array(70_000).fill(5);
  c.conn.sendData(1, big, true);
  big.fill(0);
  c.drain();
  const sent = dataFrames(c, 1);
  assert.equal(sent.reduce((n, f) => n + f.bytes.length, 0), 65_535, "the initial window");
  assert.equal(sent.some((f) => f.end), false);
  c.send(encodeWindowUpdate(1, 10_000), encodeWindowUpdate(0, 10_000));
  const all = dataFrames(c, 1);
  assert.equal(all.reduce((n, f) => n + f.bytes.length, 0), 70_000);
  assert.ok(all.every((f) => f.bytes.every((b) => b === 5)), "held bytes were copied");
  assert.equal(all.at(-1)!.end, true);
  assert.equal(all.filter((f) => f.end).length, 1);
});
