/** Property tests: parse∘serialize round-trips, split-independence, chunked body lengths (fast-check). */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { parseRequestHead, parseResponseHead } from "../../../src/http1/parse.ts";
import { serializeRequestHead, serializeResponseHead } from "../../../src/http1/serialize.ts";
import { DEFAULT_LIMITS } from "../../../src/http1/types.ts";
import { type Generated, request, response } from "./arbitraries.ts";
import { drive, type Outcome, semantic, splitAt } from "./drive.ts";

const RUNS = { numRuns: 300 };

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Drives `msgs` pipelined, at once and at `cuts`, and checks both against the generator. */
function checkPipeline<H>(
  kind: "request" | "response",
  msgs: Generated<H>[],
  cuts: number[],
): void {
  const bytes = concat(msgs.map((m) => m.bytes));
  const expected: Outcome = {
    verdict: "ok",
    messages: msgs.map((m) => ({
      head: m.head as never,
      framing: { type: "none" },
      bodyBytes: m.bodyBytes,
      dataLength: m.dataLength,
      complete: true,
    })),
  };
  const whole = drive(kind, [bytes]);
  const strip = (o: Outcome) => ({
    verdict: o.verdict,
    reason: o.reason,
    messages: o.messages.map((m) => [m.head, m.bodyBytes, m.dataLength]),
  });
  assert.deepEqual(strip(whole), strip(expected));
  const split = drive(kind, splitAt(bytes, cuts.map((c) => c % (bytes.length + 1))));
  assert.deepEqual(split, whole);
}

test("parseRequestHead(serializeRequestHead(head)) gives the same head", () => {
  fc.assert(
    fc.property(request, (g) => {
      const parsed = parseRequestHead(serializeRequestHead(g.head), DEFAULT_LIMITS);
      assert.ok(parsed.ok);
      assert.deepEqual(semantic(parsed.head), g.head);
    }),
    RUNS,
  );
});

test("parseResponseHead(serializeResponseHead(head)) gives the same head", () => {
  fc.assert(
    fc.property(response, (g) => {
      const parsed = parseResponseHead(serializeResponseHead(g.head), DEFAULT_LIMITS);
      assert.ok(parsed.ok);
      assert.deepEqual(semantic(parsed.head), g.head);
    }),
    RUNS,
  );
});

test("pipelined valid requests give the same heads and bodies however the bytes are split", () => {
  fc.assert(
    fc.property(
      fc.array(request, { minLength: 1, maxLength: 3 }),
      fc.array(fc.nat(), { maxLength: 12 }),
      (msgs, cuts) => checkPipeline("request", msgs, cuts),
    ),
    RUNS,
  );
});

test("pipelined valid responses give the same heads and bodies however the bytes are split", () => {
  fc.assert(
    fc.property(
      fc.array(response, { minLength: 1, maxLength: 3 }),
      fc.array(fc.nat(), { maxLength: 12 }),
      (msgs, cuts) => checkPipeline("response", msgs, cuts),
    ),
    RUNS,
  );
});

test("any bytes give the same verdict at once and in random splits", () => {
  const junk = fc.oneof(
    fc.uint8Array({ maxLength: 80 }),
    fc.tuple(request, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([g, at, b]) => {
      const copy = g.bytes.slice();
      if (copy.length > 0) copy[at % copy.length] = b;
      return copy;
    }),
  );
  fc.assert(
    fc.property(junk, fc.array(fc.nat(), { maxLength: 20 }), (bytes, cuts) => {
      const whole = drive("request", [bytes]);
      const split = drive("request", splitAt(bytes, cuts.map((c) => c % (bytes.length + 1))));
      assert.equal(split.verdict, whole.verdict);
      assert.equal(split.reason, whole.reason);
      assert.deepEqual(split.messages.map((m) => m.head), whole.messages.map((m) => m.head));
    }),
    RUNS,
  );
});
