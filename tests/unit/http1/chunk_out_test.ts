/** Tests for serializeChunk/LAST_CHUNK and ChunkedParser.feed's onData (the chunk data of raw bytes). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ChunkedParser } from "../../../src/http1/chunked.ts";
import { LAST_CHUNK, serializeChunk } from "../../../src/http1/serialize.ts";

const text = (b: Uint8Array) => new TextDecoder("latin1").decode(b);

test("serializeChunk() writes hex size, CRLF, data, CRLF", () => {
  assert.equal(text(serializeChunk(new TextEncoder().encode("hello"))), "5\r\nhello\r\n");
  assert.equal(text(serializeChunk(new Uint8Array(300))).slice(0, 5), "12c\r\n");
  assert.equal(serializeChunk(new Uint8Array(300)).length, 3 + 2 + 300 + 2);
  assert.equal(text(LAST_CHUNK), "0\r\n\r\n");
  assert.throws(() => serializeChunk(new Uint8Array(0)), RangeError);
});

test("ChunkedParser.feed() hands the chunk data to onData, whatever the split", () => {
  const raw = new TextEncoder().encode("5;a=b\r\nhello\r\n7\r\n, world\r\n0\r\nT: v\r\n\r\nNEXT");
  for (let step = 1; step <= raw.length; step++) {
    const p = new ChunkedParser("response");
    let data = "";
    let used = 0;
    for (let i = 0; i < raw.length; i += step) {
      const n = p.feed(raw.subarray(i, i + step), (d) => (data += text(d)));
      assert.equal(typeof n, "number");
      used += n as number;
    }
    assert.equal(data, "hello, world", `step ${step}`);
    assert.ok(p.done);
    assert.equal(used, raw.length - 4);
  }
});
