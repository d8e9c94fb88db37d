/** Frame writer and FrameReader: round trips of every frame type, and the same frames whatever the chunking (seeded property tests). */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { H2ConnectionError } from "../../../src/h2/errors.ts";
import { CLIENT_PREFACE, FLAG, FRAME, type RawFrame } from "../../../src/h2/frame.ts";
import {
  dataContent,
  headersContent,
  parseGoaway,
  parseSettings,
} from "../../../src/h2/frame_parse.ts";
import { FrameReader } from "../../../src/h2/frame_reader.ts";
import {
  encodeContinuation,
  encodeData,
  encodeGoaway,
  encodeHeaderBlock,
  encodeHeaders,
  encodePing,
  encodePriority,
  encodePushPromise,
  encodeRstStream,
  encodeSettings,
  encodeWindowUpdate,
} from "../../../src/h2/frame_writer.ts";
import { hex, toHex } from "./_hex.ts";

const SEED = 0x5eed_4802;

function readAll(bytes: Uint8Array[], max = 16384, preface = false): RawFrame[] {
  const r = new FrameReader(max, preface);
  const out: RawFrame[] = [];
  for (const b of bytes) r.push(b, (f) => out.push({ ...f, payload: f.payload.slice() }));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

test("frame writer: exact bytes of a few frames (RFC 9113 §4.1 layout)", () => {
  assert.equal(toHex(encodeRstStream(1, 8)), "000004030000000001" + "00000008");
  assert.equal(toHex(encodeWindowUpdate(0, 65535)), "000004080000000000" + "0000ffff");
  assert.equal(toHex(encodeSettings([], true)), "000000040100000000");
  assert.equal(toHex(encodeData(3, hex("abcd"), true, 2)), "000005000900000003" + "02abcd0000");
  assert.equal(
    toHex(encodePing(hex("0102030405060708"), true)),
    "000008060100000000" + "0102030405060708",
  );
  assert.equal(
    toHex(encodeGoaway(7, 1, "x")),
    "000009070000000000" + "00000007" + "00000001" + "78",
  );
});

test("FrameReader + parsers: every frame type round-trips, padding and priority included", () => {
  const block = hex("828684");
  const frames = [
    encodeData(1, hex("68656c6c6f"), false, 3),
    encodeHeaders(1, block, {
      endStream: true,
      padLength: 4,
      priority: { dependsOn: 0, exclusive: true, weight: 256 },
    }),
    encodePriority(3, { dependsOn: 1, exclusive: false, weight: 1 }),
    encodeRstStream(3, 8),
    encodeSettings([{ id: 4, value: 1 << 20 }, { id: 5, value: 32768 }]),
    encodePushPromise(1, 2, block),
    encodePing(hex("0001020304050607")),
    encodeGoaway(5, 11, "calm down"),
    encodeWindowUpdate(1, 1000),
    encodeHeaders(5, block.subarray(0, 1), { endHeaders: false }),
    encodeContinuation(5, block.subarray(1), true),
  ];
  const got = readAll([concat(frames)]);
  assert.deepEqual(got.map((f) => f.type), [0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 9]);
  assert.equal(toHex(dataContent(got[0]!)), "68656c6c6f");
  const h = headersContent(got[1]!);
  assert.equal(toHex(h.fragment), "828684");
  assert.deepEqual(h.priority, { dependsOn: 0, exclusive: true, weight: 256 });
  assert.equal(got[1]!.flags, FLAG.END_STREAM | FLAG.END_HEADERS | FLAG.PADDED | FLAG.PRIORITY);
  assert.deepEqual(parseSettings(got[4]!), [{ id: 4, value: 1 << 20 }, { id: 5, value: 32768 }]);
  assert.deepEqual(parseGoaway(got[7]!), { lastStreamId: 5, code: 11, debug: "calm down" });
  assert.equal(got[10]!.flags, FLAG.END_HEADERS);
});

test("encodeHeaderBlock splits a large block into HEADERS + CONTINUATION within the frame size", () => {
  const block = Uint8Array.from({ length: 40000 }, (_, i) => i & 0xff);
  const frames = readAll(encodeHeaderBlock(1, block, true, 16384));
  assert.deepEqual(frames.map((f) => [f.type, f.flags, f.payload.length]), [
    [FRAME.HEADERS, FLAG.END_STREAM, 16384],
    [FRAME.CONTINUATION, 0, 16384],
    [FRAME.CONTINUATION, FLAG.END_HEADERS, 40000 - 32768],
  ]);
  assert.deepEqual(concat(frames.map((f) => f.payload)), block);
});

test("FrameReader refuses a frame over maxFrameSize before buffering it, and a wrong preface", () => {
  const r = new FrameReader(16384);
  assert.throws(() => r.push(hex("004001 00 00 00000001"), () => {}), H2ConnectionError);
  const p = new FrameReader(16384, true);
  p.push(CLIENT_PREFACE.subarray(0, 10), () => {});
  assert.equal(p.awaitingPreface, true);
  assert.throws(() => p.push(hex("00"), () => {}), /invalid connection preface at byte 10/);
});

const frameArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.record({
    id: fc.integer({ min: 1, max: 0x7fffffff }),
    data: fc.uint8Array({ maxLength: 300 }),
    end: fc.boolean(),
    pad: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
  })
    .map((d) => encodeData(d.id, d.data, d.end, d.pad)),
  fc.record({
    id: fc.integer({ min: 1, max: 1000 }),
    block: fc.uint8Array({ maxLength: 200 }),
    end: fc.boolean(),
  })
    .map((h) => encodeHeaders(h.id, h.block, { endStream: h.end })),
  fc.uint8Array({ minLength: 8, maxLength: 8 }).map((o) => encodePing(o)),
  fc.array(
    fc.record({ id: fc.integer({ min: 1, max: 6 }), value: fc.integer({ min: 0, max: 16384 }) }),
    { maxLength: 6 },
  )
    .map((s) => encodeSettings(s)),
  fc.record({ id: fc.integer({ min: 0, max: 99 }), inc: fc.integer({ min: 1, max: 0x7fffffff }) })
    .map((w) => encodeWindowUpdate(w.id, w.inc)),
  fc.record({ id: fc.integer({ min: 1, max: 99 }), code: fc.integer({ min: 0, max: 13 }) }).map((
    r,
  ) => encodeRstStream(r.id, r.code)),
  fc.record({ last: fc.integer({ min: 0, max: 99 }), debug: fc.string({ maxLength: 40 }) }).map((
    g,
  ) => encodeGoaway(g.last, 0, g.debug)),
);

test("FrameReader: the same frames at any chunking (property, seeded)", () => {
  fc.assert(
    fc.property(
      fc.array(frameArb, { minLength: 1, maxLength: 12 }),
      fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 20 }),
      (frames, cutsRaw) => {
        const bytes = concat([CLIENT_PREFACE, ...frames]);
        const cuts = [...new Set(cutsRaw.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks: Uint8Array[] = [];
        let prev = 0;
        for (const c of cuts) {
          chunks.push(bytes.subarray(prev, c));
          prev = c;
        }
        chunks.push(bytes.subarray(prev));
        const whole = readAll([bytes], 16384, true);
        const split = readAll(chunks, 16384, true);
        const oneByOne = readAll(Array.from(bytes, (b) => Uint8Array.of(b)), 16384, true);
        assert.equal(whole.length, frames.length);
        assert.deepEqual(split, whole);
        assert.deepEqual(oneByOne, whole);
        // Writing each frame read back gives the original bytes.
        const rewritten = whole.map((f) => {
          const out = new Uint8Array(9 + f.payload.length);
          out.set(frames[whole.indexOf(f)]!.subarray(0, 9));
          out.set(f.payload, 9);
          return out;
        });
        assert.deepEqual(concat(rewritten), concat(frames));
      },
    ),
    { seed: SEED, numRuns: 300 },
  );
});
