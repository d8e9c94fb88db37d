/** The malformed/smuggling corpus: each case's exact verdict, fed at once, byte by byte and in random splits. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { corpus } from "./corpus.ts";
import { bytesOf, bytewise, drive, type Outcome, splitAt } from "./drive.ts";

/** A small seeded PRNG (mulberry32), so a failing split can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * What must not depend on the split: the verdict and its reason, every message's head, and the body
 * sizes of the messages that completed (a refused body stops wherever the split put the bad byte).
 */
function shape(o: Outcome): unknown {
  const refused = typeof o.verdict === "number";
  return {
    verdict: o.verdict,
    reason: o.reason,
    messages: o.messages.map((m, i) =>
      refused && i === o.messages.length - 1
        ? [m.head.headLength, m.framing]
        : [m.head.headLength, m.framing, m.bodyBytes, m.dataLength]
    ),
  };
}

test("corpus has at least 70 cases with unique names", () => {
  assert.ok(corpus.length >= 70, `only ${corpus.length} cases`);
  assert.equal(new Set(corpus.map((c) => c.name)).size, corpus.length);
});

for (const [index, c] of corpus.entries()) {
  test(`corpus: ${c.name} → ${c.verdict}`, () => {
    const bytes = bytesOf(c.raw);
    const whole = drive("request", [bytes]);
    assert.equal(whole.verdict, c.verdict, `reason: ${whole.reason ?? "-"}`);
    assert.deepEqual(shape(drive("request", bytewise(bytes))), shape(whole), "byte by byte");
    const rand = prng(index + 1);
    for (let k = 0; k < 8; k++) {
      const cuts = Array.from(
        { length: 1 + Math.floor(rand() * 6) },
        () => Math.floor(rand() * bytes.length),
      );
      assert.deepEqual(shape(drive("request", splitAt(bytes, cuts))), shape(whole), `cuts ${cuts}`);
    }
  });
}
