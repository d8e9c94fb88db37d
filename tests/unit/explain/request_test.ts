/** Tests for the request head explain is given: request line and -H fields, or a raw request. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeLatin1 } from "../../../src/http1/serialize.ts";
import { requestFromArgs, requestFromRaw } from "../../../src/explain/request.ts";

test("requestFromArgs() writes HTTP/1.1 unless told, and the fields as given", () => {
  assert.equal(
    decodeLatin1(requestFromArgs("GET /api/x", ["Host: a.example", "X-A:1"])),
    "GET /api/x HTTP/1.1\r\nHost: a.example\r\nX-A: 1\r\n\r\n",
  );
  assert.equal(decodeLatin1(requestFromArgs("HEAD / HTTP/1.0", [])), "HEAD / HTTP/1.0\r\n\r\n");
});

test("requestFromArgs() refuses a request line or a field it cannot read", () => {
  assert.throws(() => requestFromArgs("/api/x", []), /expected "METHOD TARGET \[HTTP\/1.x\]"/);
  assert.throws(
    () => requestFromArgs("GET /", ["NoColon"]),
    /header "NoColon": expected "Name: value"/,
  );
});

test("requestFromRaw() turns LF lines into CRLF and keeps the head only", () => {
  assert.equal(
    decodeLatin1(requestFromRaw("POST /p HTTP/1.1\nHost: h\nContent-Length: 2\n\nhi")),
    "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n",
  );
  assert.equal(
    decodeLatin1(requestFromRaw("GET / HTTP/1.1\r\nHost: h")),
    "GET / HTTP/1.1\r\nHost: h\r\n\r\n",
  );
});
