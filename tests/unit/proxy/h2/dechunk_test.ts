/** Dechunker: chunk data and trailers out of a validated chunked body, whatever the chunking of the input. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Dechunker } from "../../../../src/proxy/h2/dechunk.ts";

const BODY = "6;ext=1\r\nchunk-\r\nA\r\n0123456789\r\n0\r\nX-Sum: 42\r\nX-Other:v\r\n\r\n";

test("Dechunker reads data and trailers the same byte by byte as all at once", () => {
  for (const step of [BODY.length, 1, 3]) {
    const d = new Dechunker();
    let out = "";
    const bytes = new TextEncoder().encode(BODY);
    for (let i = 0; i < bytes.length; i += step) {
      d.feed(bytes.subarray(i, i + step), (x) => (out += new TextDecoder().decode(x)));
    }
    assert.equal(out, "chunk-0123456789", `step ${step}`);
    assert.equal(d.done, true);
    assert.deepEqual(d.trailers.map((t) => [t.lname, t.value]), [["x-sum", "42"], [
      "x-other",
      "v",
    ]]);
  }
});

test("Dechunker is not done before the last chunk's empty line", () => {
  const d = new Dechunker();
  d.feed(new TextEncoder().encode("2\r\nok\r\n0\r\n"), () => {});
  assert.equal(d.done, false);
  d.feed(new TextEncoder().encode("\r\n"), () => {});
  assert.equal(d.done, true);
});
