/** Outbox: frames written in place, views handed over intact, END_STREAM set on the last queued DATA frame. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { FLAG, FRAME } from "../../../src/h2/frame.ts";
import { encodeData, encodeHeaders, encodeRstStream } from "../../../src/h2/frame_writer.ts";
import { Outbox } from "../../../src/h2/outbox.ts";

const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), o += p.length);
  return out;
};

test("Outbox.frame() writes the frames encode* would, from a payload range, short and long", () => {
  const box = new Outbox();
  const big = Uint8Array.from({ length: 300 }, (_, i) => i & 255);
  box.frame(FRAME.HEADERS, FLAG.END_HEADERS, 1, Uint8Array.of(9, 1, 2, 3, 9), 1, 4);
  box.frame(FRAME.DATA, 0, 1, big, 10, 290);
  box.push(encodeRstStream(3, 8));
  assert.equal(box.length, 9 + 3 + 9 + 280 + 13);
  assert.deepEqual(
    box.take(),
    cat(
      encodeHeaders(1, Uint8Array.of(1, 2, 3)),
      encodeData(1, big.subarray(10, 290), false),
      encodeRstStream(3, 8),
    ),
  );
  assert.equal(box.take(), null);
});

test("Outbox.take() hands over views that later frames never overwrite, across buffer growth", () => {
  const box = new Outbox();
  const taken: Uint8Array[] = [];
  const expected: Uint8Array[] = [];
  for (let i = 0; i < 200; i++) {
    const payload = new Uint8Array(i * 7 % 900).fill(i & 255);
    box.frame(FRAME.DATA, 0, 1 + 2 * i, payload);
    expected.push(encodeData(1 + 2 * i, payload, false));
    if (i % 3 === 0) taken.push(box.take()!);
  }
  taken.push(box.take()!);
  assert.deepEqual(cat(...taken), cat(...expected));
});

test("Outbox.endLastData() sets END_STREAM on the stream's last DATA frame only while it is the last one queued", () => {
  const box = new Outbox();
  box.frame(FRAME.DATA, 0, 1, Uint8Array.of(1, 2));
  assert.equal(box.endLastData(3), false, "another stream's frame");
  assert.equal(box.endLastData(1), true);
  assert.equal(box.endLastData(1), false, "already ended");
  box.frame(FRAME.DATA, 0, 3, Uint8Array.of(3));
  box.push(encodeRstStream(5, 8));
  assert.equal(box.endLastData(3), false, "a frame came after it");
  box.frame(FRAME.DATA, 0, 5, Uint8Array.of(4));
  const first = box.take()!;
  assert.equal(box.endLastData(5), false, "already taken");
  assert.deepEqual(
    first,
    cat(
      encodeData(1, Uint8Array.of(1, 2), true),
      encodeData(3, Uint8Array.of(3), false),
      encodeRstStream(5, 8),
      encodeData(5, Uint8Array.of(4), false),
    ),
  );
});

test("Outbox.take(false) lets a grown buffer go and keeps a small one; views stay intact", () => {
  const box = new Outbox();
  box.frame(FRAME.DATA, 0, 1, new Uint8Array(6000).fill(1)); // grows past the usual 4 KiB
  const a = box.take(false)!;
  box.frame(FRAME.DATA, 0, 3, Uint8Array.of(2));
  const b = box.take(false)!;
  assert.notEqual(a.buffer, b.buffer, "the grown buffer was let go");
  assert.deepEqual(a, encodeData(1, new Uint8Array(6000).fill(1), false));
  assert.deepEqual(b, encodeData(3, Uint8Array.of(2), false));
  box.frame(FRAME.DATA, 0, 5, Uint8Array.of(3));
  const c = box.take(false)!;
  assert.equal(c.buffer, b.buffer, "a small buffer is kept for the next response");
  assert.deepEqual(b, encodeData(3, Uint8Array.of(2), false), "and what was taken is intact");
});
