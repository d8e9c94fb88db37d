/** toRequestHead / responseFields: an HTTP/2 field section as the neutral RequestHead, a response head as HTTP/2 fields. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkRequest } from "../../../src/h2/request_check.ts";
import { responseFields, toRequestHead, trailerFields } from "../../../src/h2/to_message.ts";
import type { HeaderField } from "../../../src/http1/types.ts";

const f = (name: string, value: string): HeaderField => ({ name, lname: name, value });

test("toRequestHead() maps pseudo-fields, adds host from :authority first, joins cookies last", () => {
  const fields = [
    f(":method", "GET"),
    f(":scheme", "https"),
    f(":path", "/p?q=1"),
    f(":authority", "example.com"),
    f("cookie", "a=1"),
    f("accept", "*/*"),
    f("cookie", "b=2"),
  ];
  const head = toRequestHead(checkRequest(1, fields), fields);
  assert.equal(head.method, "GET");
  assert.equal(head.target, "/p?q=1");
  assert.equal(head.version, 2);
  assert.equal(head.minor, 1);
  assert.equal(head.scheme, "https");
  assert.deepEqual(head.headers.map((h) => [h.name, h.value]), [
    ["host", "example.com"],
    ["accept", "*/*"],
    ["cookie", "a=1; b=2"],
  ]);
  assert.ok(head.headLength > 0);
});

test("toRequestHead() keeps a host that was sent; CONNECT's target is :authority", () => {
  const get = [f(":method", "GET"), f(":scheme", "http"), f(":path", "/"), f("host", "h")];
  assert.deepEqual(toRequestHead(checkRequest(1, get), get).headers.map((h) => h.value), ["h"]);
  const connect = [f(":method", "CONNECT"), f(":authority", "h:443")];
  assert.equal(toRequestHead(checkRequest(1, connect), connect).target, "h:443");
});

test("responseFields() puts :status first, lower-cases names, drops connection-specific fields", () => {
  const res = {
    kind: "response" as const,
    minor: 1 as const,
    status: 404,
    reason: "Not Found",
    headers: [
      { name: "Content-Type", lname: "content-type", value: "text/plain" },
      { name: "Connection", lname: "connection", value: "close, X-Hop" },
      { name: "X-Hop", lname: "x-hop", value: "1" },
      { name: "Transfer-Encoding", lname: "transfer-encoding", value: "chunked" },
      { name: "Keep-Alive", lname: "keep-alive", value: "timeout=5" },
    ],
    headLength: 0,
  };
  // the head's fields are passed as they are: the encoder sends their lower-case `lname`
  const sent = responseFields(res).map((x) => ({ name: x.lname ?? x.name, value: x.value }));
  assert.deepEqual(sent, [
    { name: ":status", value: "404" },
    { name: "content-type", value: "text/plain" },
  ]);
  assert.deepEqual(trailerFields([{ name: "X-Sum", lname: "x-sum", value: "1" }]), [
    { name: "x-sum", value: "1" },
  ]);
});

test("toRequestHead() makes one host field while :authority repeats, another when it changes", () => {
  const req = (authority: string) => {
    const fields = [
      f(":method", "GET"),
      f(":scheme", "http"),
      f(":path", "/"),
      f(":authority", authority),
    ];
    return toRequestHead(checkRequest(1, fields), fields).headers[0]!;
  };
  const a = req("a.example"), again = req("a.example"), b = req("b.example");
  assert.equal(again, a);
  assert.deepEqual([a.lname, a.value, b.lname, b.value], [
    "host",
    "a.example",
    "host",
    "b.example",
  ]);
  assert.equal(req("a.example").value, "a.example");
});
