/** serializeRequestHead / serializeResponseHead and the latin1 helpers. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  decodeLatin1,
  decodeLatin1Portable,
  encodeLatin1,
  serializeRequestHead,
  serializeResponseHead,
} from "../../../src/http1/serialize.ts";
import type { RequestHead, ResponseHead } from "../../../src/http1/types.ts";

const REQ: RequestHead = {
  kind: "request",
  method: "GET",
  target: "/p?q",
  minor: 1,
  version: 1,
  headers: [
    { name: "Host", lname: "host", value: "a" },
    { name: "X-Caf\xe9", lname: "x-caf\xe9", value: "" },
  ],
  headLength: 0,
};

test("serializeRequestHead() writes the line, the fields as sent, the empty line", () => {
  const ok = {
    ...REQ,
    headers: [REQ.headers[0]!, { name: "x-Y", lname: "x-y", value: "caf\xe9\t1" }],
  };
  assert.equal(
    decodeLatin1(serializeRequestHead(ok)),
    "GET /p?q HTTP/1.1\r\nHost: a\r\nx-Y: caf\xe9\t1\r\n\r\n",
  );
  assert.equal(
    decodeLatin1(serializeRequestHead({ ...REQ, minor: 0, headers: [] })),
    "GET /p?q HTTP/1.0\r\n\r\n",
  );
});

test("serializeResponseHead() keeps the SP before an empty reason", () => {
  const head: ResponseHead = {
    kind: "response",
    minor: 1,
    status: 204,
    reason: "",
    headers: [{ name: "X", lname: "x", value: "1" }],
    headLength: 0,
  };
  assert.equal(decodeLatin1(serializeResponseHead(head)), "HTTP/1.1 204 \r\nX: 1\r\n\r\n");
  const ok = { ...head, minor: 0 as const, status: 200, reason: "OK", headers: [] };
  assert.equal(decodeLatin1(serializeResponseHead(ok)), "HTTP/1.0 200 OK\r\n\r\n");
});

test("serialize refuses names and values that would break the framing", () => {
  const withValue = (value: string): RequestHead => ({
    ...REQ,
    headers: [{ name: "X", lname: "x", value }],
  });
  assert.throws(() => serializeRequestHead(withValue("a\r\nInjected: 1")), TypeError);
  assert.throws(() => serializeRequestHead(withValue("a\x00")), /char U\+0000 at index 1/);
  assert.throws(() => serializeRequestHead(withValue("\u20ac")), /U\+20AC/);
  assert.throws(
    () => serializeRequestHead(REQ),
    /Cannot serialize header name "X-Caf\u00e9": not a token/,
  );
  const badName = { ...REQ, headers: [{ name: "X Y", lname: "x y", value: "1" }] };
  assert.throws(() => serializeRequestHead(badName), /not a token/);
  assert.throws(() => serializeRequestHead({ ...REQ, target: "/\r\n" }), /request line/);
});

for (
  const [name, decode] of [["decodeLatin1", decodeLatin1], [
    "decodeLatin1Portable",
    decodeLatin1Portable,
  ]] as const
) {
  test(`${name}() and encodeLatin1() map every byte to the char of the same code`, () => {
    const all = new Uint8Array(256).map((_, i) => i);
    const s = decode(all);
    assert.equal(s.length, 256);
    for (let i = 0; i < 256; i++) assert.equal(s.charCodeAt(i), i);
    assert.deepEqual(encodeLatin1(s), all);
    assert.equal(decode(new Uint8Array(0)), "");
    assert.equal(decode(new Uint8Array([0x80, 0x9f])), "\x80\x9f", "not windows-1252");
    assert.equal(decode(all.subarray(100, 130)), s.slice(100, 130), "a view with an offset");
  });

  test(`${name}() handles inputs longer than one 8192-byte slice`, () => {
    const big = new Uint8Array(20000).map((_, i) => 0x41 + (i % 26));
    const s = decode(big);
    assert.equal(s.length, 20000);
    for (const i of [0, 8191, 8192, 16383, 16384, 19999]) {
      assert.equal(s.charCodeAt(i), big[i]);
    }
  });
}

test("encodeLatin1() throws RangeError on chars above U+00FF", () => {
  assert.throws(() => encodeLatin1("ok\u0100"), RangeError);
  assert.throws(() => encodeLatin1("ok\u0100"), /U\+0100 at index 2/);
});
