/** chooseEncoding(): RFC 9110 Accept-Encoding rules as a table; AVAILABLE_ALGOS on this runtime. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type Algo,
  ALGOS,
  AVAILABLE_ALGOS,
  chooseEncoding,
  isAlgo,
} from "../../../src/compress/negotiate.ts";

const ALL: Algo[] = ["gzip", "deflate", "br", "zstd"];

/** [Accept-Encoding, configured algorithms, expected choice] */
const table: [string | undefined, Algo[], Algo | undefined][] = [
  // no field, empty field
  [undefined, ALL, undefined],
  ["", ALL, undefined],
  [" , ,", ALL, undefined],
  // plain lists: configured order breaks ties
  ["gzip", ALL, "gzip"],
  ["gzip, br", ALL, "gzip"],
  ["gzip, br", ["br", "gzip"], "br"],
  ["br, gzip, deflate, zstd", ["zstd", "br"], "zstd"],
  ["deflate", ["gzip"], undefined],
  // q-values
  ["gzip;q=0.5, br", ALL, "br"],
  ["gzip;q=0.5, br;q=0.4", ["br", "gzip"], "gzip"],
  ["gzip;q=0.500, br;q=0.5", ["br", "gzip"], "br"],
  ["gzip;q=1.0, br;q=1", ["br", "gzip"], "br"],
  ["gzip;q=0.001", ALL, "gzip"],
  ["gzip;q=0", ALL, undefined],
  ["gzip;q=0.000, deflate", ALL, "deflate"],
  ["gzip; q=0", ALL, undefined],
  ["gzip;Q=0", ALL, undefined],
  ["gzip ; q = 0.3 , br;q=0.2", ALL, "gzip"],
  // invalid q: the element is as if absent
  ["gzip;q=2, br;q=0.1", ALL, "br"],
  ["gzip;q=1.5", ALL, undefined],
  ["gzip;q=0.1234, br;q=0.1", ALL, "br"],
  ["gzip;q=.5", ALL, undefined],
  ["gzip;q=", ALL, undefined],
  ["gzip;q", ALL, undefined],
  ["gzip;q=abc", ALL, undefined],
  ["gzip;q=-1", ALL, undefined],
  ["gzip;q=0.5;q=1", ALL, undefined],
  ["gzip;q=0., br;q=0.1", ALL, "br"],
  // other parameters are ignored
  ["gzip;level=9", ALL, "gzip"],
  ["gzip;foo;q=0.2, br;q=0.1", ALL, "gzip"],
  // * covers codings not listed
  ["*", ALL, "gzip"],
  ["*", ["br", "gzip"], "br"],
  ["*;q=0.5, gzip;q=0", ALL, "deflate"],
  ["*;q=0.5, gzip;q=0", ["gzip", "br"], "br"],
  ["*;q=0.9, br;q=0.1", ["br", "zstd"], "zstd"],
  ["*;q=0", ALL, undefined],
  ["*;q=0, gzip", ALL, "gzip"],
  ["gzip, *;q=0", ["br", "gzip"], "gzip"],
  // identity does not matter
  ["identity", ALL, undefined],
  ["identity;q=0", ALL, undefined],
  ["identity;q=0, gzip;q=0.1", ALL, "gzip"],
  ["identity, *;q=0", ALL, undefined],
  // x-gzip is gzip; case and whitespace
  ["x-gzip", ALL, "gzip"],
  ["X-GZIP;q=0.8, br;q=0.5", ALL, "gzip"],
  ["x-gzip;q=0, *", ALL, "deflate"],
  ["GZip, BR", ["br", "gzip"], "br"],
  ["\t gzip \t,\tbr ", ["br"], "br"],
  // a coding listed twice keeps its lowest q
  ["gzip, gzip;q=0", ALL, undefined],
  ["gzip;q=0.2, gzip;q=0.9, br;q=0.5", ALL, "br"],
  ["gzip;q=0, x-gzip", ALL, undefined],
  // unknown codings and malformed elements are ignored
  ["compress, sdch, exi", ALL, undefined],
  ["compress, br", ALL, "br"],
  ["gz ip, br", ALL, "br"],
  ['"gzip", br;q=0.1', ALL, "br"],
  ["gzip/1, br", ALL, "br"],
  [";q=1, br", ALL, "br"],
  ["gzip,,,br;q=0.1", ALL, "gzip"],
  // nothing configured
  ["gzip", [], undefined],
];

test("chooseEncoding() follows RFC 9110 §12.5.3 (table)", () => {
  for (const [ae, algos, want] of table) {
    assert.equal(chooseEncoding(ae, algos), want, `${JSON.stringify(ae)} with [${algos}]`);
  }
});

test("chooseEncoding() takes all fields joined by commas", () => {
  const fields = ["gzip;q=0.4", "br;q=0.9"];
  assert.equal(chooseEncoding(fields.join(","), ALL), "br");
});

test("chooseEncoding() is not slowed down by a long header", () => {
  const ae = Array.from({ length: 2000 }, (_, i) => `x${i};q=0.5`).join(", ") + ", br";
  const t0 = performance.now();
  assert.equal(chooseEncoding(ae, ALL), "br");
  assert.ok(performance.now() - t0 < 200);
});

test("AVAILABLE_ALGOS lists gzip, deflate and br everywhere, zstd where node:zlib has it", () => {
  for (const a of ["gzip", "deflate", "br"] as const) assert.ok(AVAILABLE_ALGOS.includes(a), a);
  for (const a of AVAILABLE_ALGOS) assert.ok(ALGOS.includes(a));
  // Deno 2.9.6 and Bun 1.4.5 both ship createZstdCompress.
  assert.ok(AVAILABLE_ALGOS.includes("zstd"), `zstd missing: ${AVAILABLE_ALGOS}`);
});

test("isAlgo() accepts the four names only", () => {
  for (const a of ALGOS) assert.ok(isAlgo(a));
  for (const a of ["identity", "x-gzip", "GZIP", "raw-deflate", ""]) assert.ok(!isAlgo(a), a);
});
