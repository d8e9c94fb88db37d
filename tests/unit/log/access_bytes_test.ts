/** httplogInto: the bytes it writes are httplog()'s line in UTF-8, for any record. */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { type AccessRecord, httplog } from "../../../src/log/access.ts";
import { httplogBound, httplogInto } from "../../../src/log/access_bytes.ts";

const int = fc.oneof(fc.integer({ min: -1, max: 99 }), fc.integer({ min: -1, max: 2 ** 40 }));
const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.constantFrom("\ud800x", "caf\xe9", "<NOSRV>", "GET /\u00ff HTTP/1.1"),
);

const record: fc.Arbitrary<AccessRecord> = fc.record({
  clientIp: fc.constantFrom("127.0.0.1", "::1", "2001:db8::17"),
  clientPort: fc.integer({ min: 0, max: 65535 }),
  start: fc.oneof(
    fc.integer({ min: 0, max: 4102444800000 }),
    fc.constant(Date.UTC(2026, 10, 25, 10, 0, 0, 7)),
  ),
  frontend: text,
  backend: text,
  server: text,
  tr: int,
  tw: int,
  tc: int,
  tresp: int,
  ta: int,
  status: fc.integer({ min: 0, max: 599 }),
  bytes: int,
  termination: fc.constantFrom("--", "SD", "cR", "PR"),
  phase: fc.constant("log"),
  actconn: int,
  feconn: int,
  beconn: int,
  srvconn: int,
  retries: int,
  srvQueue: int,
  beQueue: int,
  request: text,
});

test("httplogInto() writes httplog()'s line as UTF-8, within httplogBound()", () => {
  fc.assert(
    fc.property(record, fc.nat(64), (r, at) => {
      const out = new Uint8Array(at + httplogBound(r));
      const end = httplogInto(r, out, at);
      assert.ok(end <= out.length);
      assert.deepEqual(out.subarray(at, end), new TextEncoder().encode(httplog(r)));
    }),
    { numRuns: 500 },
  );
});
