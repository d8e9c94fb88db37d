/** createEncoder(): a 64 MiB body through a lagging consumer keeps memory bounded and arrives intact. */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as zlib from "node:zlib";
import { createEncoder } from "../../../src/compress/encoder.ts";
import { type Algo, AVAILABLE_ALGOS } from "../../../src/compress/negotiate.ts";
import { htmlLike } from "./html.ts";

const CHUNK = 64 * 1024;
const MiB = 1024 * 1024;
/** 64 distinct chunks (4 MiB, more than any window used) written in turn; never modified. */
const CHUNKS = Array.from({ length: 64 }, (_, i) => htmlLike(CHUNK, i + 1));

interface Run {
  rssGrowth: number;
  heapGrowth: number;
  maxPending: number;
  stalls: number;
  bytesIn: number;
  bytesOut: number;
  /** CRC-32 of the input, and the last 8 output bytes (the gzip trailer). */
  crc: number;
  tail: Uint8Array;
  summary: string;
}

/**
 * Streams `total` bytes through an encoder, writing until write() says stop and resuming on
 * onDrain, while the consumer (a slow client) holds the output for 1 ms every 8th chunk.
 * Memory is sampled every 4 MiB. Output is not kept: only its last 8 bytes.
 */
async function run(algo: Algo, total: number): Promise<Run> {
  let crc = 0;
  const tail = new Uint8Array(8);
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  let maxPending = 0;
  let stalls = 0;
  let outputs = 0;
  let sent = 0;
  const enc = createEncoder(algo, {}, (c) => {
    keepTail(tail, c);
    if (++outputs % 8 === 0) {
      enc.pause();
      setTimeout(() => enc.resume(), 1);
    }
  });
  const done = new Promise<void>((resolve, reject) => {
    enc.onEnd = resolve;
    enc.onError = reject;
  });
  const pump = () => {
    while (sent < total) {
      const c = CHUNKS[(sent / CHUNK) % CHUNKS.length]!;
      if (algo === "gzip") crc = zlib.crc32(c, crc);
      sent += c.length;
      const ok = enc.write(c);
      maxPending = Math.max(maxPending, enc.pending);
      if (sent % (4 * MiB) === 0) sample();
      if (!ok) {
        stalls++;
        return;
      }
    }
    enc.end();
  };
  enc.onDrain = pump;
  pump();
  await done;
  sample();
  const rssGrowth = peakRss - base.rss;
  const heapGrowth = peakHeap - base.heapUsed;
  const summary = `${algo} ${total / MiB} MiB: rss +${(rssGrowth / MiB).toFixed(1)} MiB, heap +${
    (heapGrowth / MiB).toFixed(1)
  } MiB, ${stalls} stalls, max pending ${maxPending}, out ${enc.bytesOut}`;
  console.log(summary);
  return {
    rssGrowth,
    heapGrowth,
    maxPending,
    stalls,
    bytesIn: enc.bytesIn,
    bytesOut: enc.bytesOut,
    crc,
    tail,
    summary,
  };
}

/** What every run must show: pushed back, backlog bounded, memory far below the body size. */
function assertBounded(r: Run, total: number): void {
  assert.equal(r.bytesIn, total);
  assert.ok(r.bytesOut < total / 2, r.summary);
  assert.ok(r.stalls >= total / CHUNK / 2, `write() did not push back: ${r.summary}`);
  assert.ok(r.maxPending <= 64 * 1024 + CHUNK, r.summary);
  assert.ok(r.rssGrowth < 64 * MiB, r.summary);
  assert.ok(r.heapGrowth < 64 * MiB, r.summary);
}

test("64 MiB of HTML through gzip with backpressure: bounded memory, CRC and size match", {
  timeout: 120_000,
}, async () => {
  const total = 64 * MiB;
  const r = await run("gzip", total);
  assertBounded(r, total);
  // The body is checked with the gzip trailer (CRC-32 and length of what zlib was given) rather
  // than by decoding: a decoder's garbage would be what this test measures. Decoding is covered by
  // the round trips in encoder_test.ts.
  const trailer = new DataView(r.tail.buffer);
  assert.equal(trailer.getUint32(0, true), r.crc, "CRC-32 in the gzip trailer");
  assert.equal(trailer.getUint32(4, true), total % 2 ** 32, "ISIZE in the gzip trailer");
});

for (const algo of AVAILABLE_ALGOS.filter((a) => a === "br" || a === "zstd")) {
  test(`16 MiB of HTML through ${algo} with backpressure: bounded memory`, {
    timeout: 120_000,
  }, async () => {
    const total = 16 * MiB;
    assertBounded(await run(algo, total), total);
  });
}

/** Keeps the last 8 bytes seen across output chunks in `tail`. */
function keepTail(tail: Uint8Array, c: Uint8Array): void {
  if (c.length >= 8) {
    tail.set(c.subarray(c.length - 8));
    return;
  }
  tail.copyWithin(0, c.length);
  tail.set(c, 8 - c.length);
}
