/** checkRequest: control data that would read differently once written as an HTTP/1 request line and Host is a malformed request. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { H2StreamError } from "../../../src/h2/errors.ts";
import { checkRequest } from "../../../src/h2/request_check.ts";
import { toRequestHead } from "../../../src/h2/to_message.ts";
import type { HeaderField } from "../../../src/http1/types.ts";

const f = (name: string, value: string): HeaderField => ({ name, lname: name, value });

function fields(method: string, path: string, authority: string | null, extra: HeaderField[] = []) {
  const out = [f(":method", method), f(":scheme", "http"), f(":path", path)];
  if (authority !== null) out.push(f(":authority", authority));
  return [...out, ...extra];
}

// each found by scripts/fuzz: accepted, it was forwarded as a request line or Host HTTP/1 splits
const refused: [string, HeaderField[]][] = [
  ["a space in :method", fields("G T", "/", "a")],
  ["a space in :path", fields("GET", "/a b", "a")],
  ["a fragment in :path", fields("GET", "/a#b", "a")],
  ["a control in :path", fields("GET", "/a\x7f", "a")],
  ["a space in :authority", fields("GET", "/", "x y")],
  ["userinfo in :authority", fields("GET", "/", "u@h")],
  ["an invalid host", fields("GET", "/", null, [f("host", "x y")])],
  ["neither :authority nor host with http", fields("GET", "/", null)],
  ["a control (DEL) in a value", fields("GET", "/", "a", [f("x", "a\x7fb")])],
  ["a control (EOT) in a value", fields("GET", "/", "a", [f("x", "a\x04b")])],
  ["a field name that is not a token", fields("GET", "/", "a", [f("]pper", "v")])],
  ["a leading space in a value", fields("GET", "/", "a", [f("x", " v")])],
  ["a trailing tab in a value", fields("GET", "/", "a", [f("x", "v\t")])],
  ["a LF in a value", fields("GET", "/", "a", [f("x", "a\nb")])],
  ["a NUL in a value", fields("GET", "/", "a", [f("x", "a\x00b")])],
  ["CONNECT without a port", [f(":method", "CONNECT"), f(":authority", "h")]],
];

for (const [what, section] of refused) {
  test(`checkRequest() refuses ${what} (stream PROTOCOL_ERROR)`, () => {
    assert.throws(
      () => checkRequest(1, section),
      (err) => err instanceof H2StreamError && err.code === 0x1 && err.streamId === 1,
    );
  });
}

test("checkRequest() accepts a host field without :authority, and IP literals with ports", () => {
  assert.doesNotThrow(() => checkRequest(1, fields("GET", "/", null, [f("host", "h:8080")])));
  assert.doesNotThrow(() => checkRequest(1, fields("GET", "/", "[::1]:443")));
  assert.doesNotThrow(() => checkRequest(1, fields("OPTIONS", "*", "a")));
  // HTAB inside a value, an empty value, latin1 above 0x7f: allowed
  const ok = [f("x", "a\tb"), f("y", ""), f("z", "caf\u00e9")];
  assert.doesNotThrow(() => checkRequest(1, fields("GET", "/", "a", ok)));
});

test("checkRequest() says why a value is refused", () => {
  const why = (v: string) => {
    try {
      checkRequest(1, fields("GET", "/", "a", [f("x", v)]));
      return "";
    } catch (err) {
      return (err as Error).message;
    }
  };
  assert.match(why("a\rb"), /NUL, CR or LF in the value of "x"/);
  assert.match(why("a\x1fb"), /control character in the value of "x"/);
  assert.match(why("v "), /leading or trailing whitespace in the value of "x"/);
});

test("toRequestHead() writes an empty host when a request has no authority (scheme without one)", () => {
  const section = [f(":method", "GET"), f(":scheme", "urn"), f(":path", "/x")];
  const head = toRequestHead(checkRequest(1, section), section);
  assert.deepEqual(head.headers.map((h) => [h.name, h.value]), [["host", ""]]);
});

test("checkRequest() checks a shared field object once, but host and content-length every time", () => {
  const ua = f("user-agent", "h2load"),
    host = f("host", "a.example"),
    cl = f("content-length", "3");
  const base = [
    f(":method", "POST"),
    f(":scheme", "http"),
    f(":path", "/"),
    f(":authority", "a.example"),
  ];
  for (let i = 0; i < 2; i++) {
    const r = checkRequest(1, [...base, ua, host, cl]);
    assert.equal(r.contentLength, 3);
    assert.equal(r.hasHost, true);
  }
  // the same objects again: a second host and a differing content-length are still refused
  assert.throws(() => checkRequest(3, [...base, ua, host, host]), /duplicate host/);
  assert.throws(
    () => checkRequest(5, [...base, cl, f("content-length", "4")]),
    /differing content-length/,
  );
  // a new object with a bad value is checked, whatever was cached
  assert.throws(() => checkRequest(7, [...base, f("user-agent", " h2load")]), H2StreamError);
});

test("checkRequest() checks a shared pseudo-field once, but what depends on the method every time", () => {
  const get = f(":method", "GET"), scheme = f(":scheme", "http");
  const path = f(":path", "/a"), authority = f(":authority", "h");
  for (let i = 0; i < 2; i++) {
    const r = checkRequest(1, [get, scheme, path, authority]);
    assert.deepEqual(r.pseudo, { method: "GET", scheme: "http", authority: "h", path: "/a" });
  }
  // the authority found valid for GET (no port) is checked again for CONNECT, which needs one
  assert.throws(
    () => checkRequest(3, [f(":method", "CONNECT"), authority]),
    /invalid :authority "h"/,
  );
  // the path found valid is still refused with CONNECT, and "*" only goes with OPTIONS each time
  assert.throws(() => checkRequest(5, [f(":method", "CONNECT"), path, f(":authority", "h:1")]));
  const star = f(":path", "*"), options = f(":method", "OPTIONS");
  assert.equal(checkRequest(7, [options, scheme, star, authority]).pseudo.path, "*");
  assert.throws(() => checkRequest(9, [get, scheme, star, authority]), /asterisk-form/);
  // new objects with bad values are checked, whatever was cached
  assert.throws(() => checkRequest(11, [get, scheme, f(":path", "/a b"), authority]));
  assert.throws(() => checkRequest(13, [f(":method", "G T"), scheme, path, authority]));
  assert.throws(() => checkRequest(15, [get, scheme, path, f(":authority", "u@h")]));
  assert.throws(() => checkRequest(17, [get, f(":scheme", "ht\x00tp"), path, authority]));
});
