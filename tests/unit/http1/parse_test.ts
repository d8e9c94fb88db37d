/** parseRequestHead / parseResponseHead: what they read, and each refusal's status and reason. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRequestHead, parseResponseHead } from "../../../src/http1/parse.ts";
import { DEFAULT_LIMITS, type HeadLimits } from "../../../src/http1/types.ts";
import { bytesOf, semantic } from "./drive.ts";

function req(raw: string, limits: HeadLimits = DEFAULT_LIMITS) {
  return parseRequestHead(bytesOf(raw), limits);
}

function res(raw: string, limits: HeadLimits = DEFAULT_LIMITS) {
  return parseResponseHead(bytesOf(raw), limits);
}

function refusal(r: ReturnType<typeof req> | ReturnType<typeof res>): string {
  return r.ok ? "ok" : `${r.rejection.status} ${r.rejection.reason}`;
}

test("parseRequestHead() reads method, target, version and fields (names as sent, values trimmed)", () => {
  const raw = "POST /p?q=1 HTTP/1.1\r\nHost: a.example:8080\r\nX-Thing:  v \t\r\nx-thing:\r\n\r\n";
  const r = req(raw);
  assert.ok(r.ok);
  assert.deepEqual(semantic(r.head), {
    kind: "request",
    method: "POST",
    target: "/p?q=1",
    minor: 1,
    version: 1,
    headers: [
      { name: "Host", lname: "host", value: "a.example:8080" },
      { name: "X-Thing", lname: "x-thing", value: "v" },
      { name: "x-thing", lname: "x-thing", value: "" },
    ],
    headLength: raw.length,
  });
});

test("parseRequestHead() keeps obs-text and inner tabs in values, reads HTTP/1.0 and 1.2", () => {
  const r = req("GET / HTTP/1.0\r\nX: caf\xe9\tau lait\r\n\r\n");
  assert.ok(r.ok);
  assert.equal(r.head.minor, 0);
  assert.equal(r.head.headers[0]!.value, "caf\xe9\tau lait");
  const later = req("GET / HTTP/1.2\r\nHost: a\r\n\r\n");
  assert.ok(later.ok);
  assert.equal(later.head.minor, 1);
});

test("parseRequestHead() refuses malformed request lines with 400 (505 for major ≠ 1)", () => {
  const cases: [string, string][] = [
    ["GET\r\n\r\n", "400 malformed request line"],
    ["GET \r\n\r\n", "400 empty request target"],
    ["GET /\r\n\r\n", "400 missing HTTP version"],
    ["GET  / HTTP/1.1\r\n\r\n", "400 empty request target"],
    [" GET / HTTP/1.1\r\n\r\n", "400 invalid method"],
    ["G@T / HTTP/1.1\r\n\r\n", "400 invalid method"],
    ["GET / HTTP/1.1 \r\n\r\n", "400 invalid HTTP version"],
    ["GET / HTTP/1.x\r\n\r\n", "400 invalid HTTP version"],
    ["GET / HTTPS/1.1\r\n\r\n", "400 invalid HTTP version"],
    ["GET / HTTP/3.0\r\n\r\n", "505 unsupported HTTP version"],
    ["GET /a\x01 HTTP/1.1\r\n\r\n", "400 control character in request target"],
    ["GET /\xff HTTP/1.1\r\n\r\n", "400 non-ASCII byte in request target"],
    ["GET a/b HTTP/1.1\r\n\r\n", "400 invalid request target form"],
    ["GET http://a:b/ HTTP/1.1\r\n\r\n", "400 invalid authority in absolute-form target"],
    ["GET http://a b/ HTTP/1.1\r\n\r\n", "400 invalid HTTP version"],
    ["CONNECT [::1]:443 HTTP/1.0\r\n\r\n", "ok"],
    ["CONNECT a:99999x HTTP/1.0\r\n\r\n", "400 CONNECT needs an authority-form target (host:port)"],
    ["OPTIONS * HTTP/1.0\r\n\r\n", "ok"],
    ["GET http://[::1]:80/x HTTP/1.0\r\n\r\n", "ok"],
    ["GET http://a%2zb/ HTTP/1.0\r\n\r\n", "400 invalid authority in absolute-form target"],
  ];
  for (const [raw, want] of cases) assert.equal(refusal(req(raw)), want, JSON.stringify(raw));
});

test("parseRequestHead() refuses malformed fields with 400", () => {
  const cases: [string, string][] = [
    ["Host: a\r\nX : 1", "400 space before colon in header name"],
    ["Host: a\r\n: 1", "400 empty header name"],
    ["Host: a\r\nX\x00: 1", "400 invalid header name"],
    ["Host: a\r\nX-Y", "400 missing colon in header field"],
    ["Host: a\r\nX: 1\r\n 2", "400 obsolete line folding"],
    ["Host: a\r\nX: a\x00b", "400 NUL in header value"],
    ["Host: a\r\nX: a\rb", "400 CR in header value"],
    ["Host: a\r\nX: a\x1bb", "400 control character in header value"],
    ["Host: a\r\nHost: a", "400 duplicate Host header"],
    ["Host: a@b", "400 invalid Host header"],
    ["Host: a:", "ok"],
    ["Host: a:1:2", "400 invalid Host header"],
    ["Host: [::1", "400 invalid Host header"],
    ["X: 1", "400 missing Host header"],
  ];
  for (const [fields, want] of cases) {
    const raw = `GET / HTTP/1.1\r\n${fields}\r\n\r\n`;
    assert.equal(refusal(req(raw)), want, JSON.stringify(fields));
  }
});

test("parseRequestHead() wants Host to name the target's authority (absolute-form, CONNECT)", () => {
  const cases: [string, string, string][] = [
    ["GET http://a/p", "a", "ok"],
    ["GET http://A.example/p", "a.EXAMPLE", "ok"],
    ["GET http://a:80/p", "a", "ok"],
    ["GET http://a/p", "a:80", "ok"],
    ["GET http://a:/p", "a", "ok"],
    ["GET https://a:443/p", "a", "ok"],
    ["GET HTTPS://a:8443/p?q", "a:8443", "ok"],
    ["GET http://[::1]:80/", "[::1]", "ok"],
    ["CONNECT a:443", "a", "ok"],
    ["CONNECT a:443", "a:443", "ok"],
    ["CONNECT a:8443", "a:8443", "ok"],
    ["GET /p", "b", "ok"],
    ["GET http://a/p", "b", "400 Host does not match the target's authority"],
    ["GET http://a/p", "", "400 Host does not match the target's authority"],
    ["GET http://a:8080/p", "a", "400 Host does not match the target's authority"],
    ["GET http://a/p", "a:8080", "400 Host does not match the target's authority"],
    ["GET https://a:80/p", "a", "400 Host does not match the target's authority"],
    ["GET http://a:443/p", "a", "400 Host does not match the target's authority"],
    ["CONNECT a:8443", "a", "400 Host does not match the target's authority"],
    ["CONNECT a:443", "b:443", "400 Host does not match the target's authority"],
  ];
  for (const [line, host, want] of cases) {
    const raw = `${line} HTTP/1.1\r\nHost: ${host}\r\n\r\n`;
    assert.equal(refusal(req(raw)), want, JSON.stringify([line, host]));
  }
  assert.equal(refusal(req("GET http://a/p HTTP/1.0\r\n\r\n")), "ok", "no Host to compare");
});

test("parseRequestHead() refuses bare LF, incomplete heads and bytes after the head", () => {
  assert.equal(refusal(req("GET / HTTP/1.1\nHost: a\r\n\r\n")), "400 bare LF in head");
  assert.equal(refusal(req("GET / HTTP/1.1\r\nHost: a\r\n")), "400 incomplete head");
  assert.equal(refusal(req("GET / HTTP/1.1")), "400 incomplete head");
  assert.equal(
    refusal(req("GET / HTTP/1.1\r\nHost: a\r\n\r\nX")),
    "400 bytes after the end of the head",
  );
});

test("parseRequestHead() applies the limits: 414, 431 for size and for field count", () => {
  const limits: HeadLimits = { maxRequestLine: 14, maxHead: 60, maxHeaders: 2 };
  assert.equal(refusal(req("GET / HTTP/1.1\r\nHost: a\r\n\r\n", limits)), "ok");
  assert.equal(
    refusal(req("GET /a HTTP/1.1\r\nHost: a\r\n\r\n", limits)),
    "414 request line too long",
  );
  assert.equal(refusal(req("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\n\r\n", limits)), "ok");
  const three = "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n";
  assert.equal(refusal(req(three, limits)), "431 too many header fields");
  const big = `GET / HTTP/1.1\r\nHost: ${"a".repeat(40)}\r\n\r\n`;
  assert.equal(refusal(req(big, limits)), "431 request head too large");
});

test("parseResponseHead() reads status lines, with empty or missing reasons", () => {
  const raw = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n";
  const r = res(raw);
  assert.ok(r.ok);
  assert.deepEqual(semantic(r.head), {
    kind: "response",
    minor: 1,
    status: 200,
    reason: "OK",
    headers: [{ name: "Content-Length", lname: "content-length", value: "2" }],
    headLength: raw.length,
  });
  for (
    const [line, status, reason] of [
      ["HTTP/1.1 204 \r\n\r\n", 204, ""],
      ["HTTP/1.0 404\r\n\r\n", 404, ""],
      ["HTTP/1.1 500 Internal  Server\tError \xe9\r\n\r\n", 500, "Internal  Server\tError \xe9"],
      ["HTTP/1.1 101 Switching Protocols\r\n\r\n", 101, "Switching Protocols"],
    ] as const
  ) {
    const p = res(line);
    assert.ok(p.ok, line);
    assert.equal(p.head.status, status);
    assert.equal(p.head.reason, reason);
  }
});

test("parseResponseHead() refuses everything malformed with 502", () => {
  const cases: [string, string][] = [
    ["HTTP/1.1 20\r\n\r\n", "502 malformed status line"],
    ["HTTP/1.1  200 OK\r\n\r\n", "502 invalid status code"],
    ["HTTP/1.1 2000 OK\r\n\r\n", "502 invalid status code"],
    ["HTTP/1.1 099 X\r\n\r\n", "502 status code out of range"],
    ["HTTP/1.1 600 X\r\n\r\n", "502 status code out of range"],
    ["HTTP/2.0 200 OK\r\n\r\n", "502 unsupported HTTP version"],
    ["http/1.1 200 OK\r\n\r\n", "502 invalid HTTP version"],
    ["HTTP/1.1 200 O\x00K\r\n\r\n", "502 control character in reason"],
    ["HTTP/1.1 200 OK\r\nX : 1\r\n\r\n", "502 space before colon in header name"],
    ["HTTP/1.1 200 OK\r\nX: 1\r\n\t2\r\n\r\n", "502 obsolete line folding"],
    ["HTTP/1.1 200 OK\nX: 1\r\n\r\n", "502 bare LF in head"],
  ];
  for (const [raw, want] of cases) assert.equal(refusal(res(raw)), want, JSON.stringify(raw));
  const limits: HeadLimits = { maxRequestLine: 100, maxHead: 100, maxHeaders: 1 };
  assert.equal(
    refusal(res("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n", limits)),
    "502 too many header fields",
  );
});

test("parseRequestHead() names HTTP/2's connection preface instead of an asterisk-form error", () => {
  assert.equal(
    refusal(req("PRI * HTTP/2.0\r\n\r\n")),
    "400 HTTP/2 prior-knowledge preface on an HTTP/1.1 bind: h2c not enabled",
  );
  assert.equal(
    refusal(req("PRI * HTTP/1.1\r\nHost: a\r\n\r\n")),
    "400 asterisk-form target only with OPTIONS",
  );
});

test("parseRequestHead() lower-cases common and other names alike, in any case", () => {
  const r = req(
    "GET / HTTP/1.1\r\nHOST: a\r\ncontent-TYPE: t\r\nX-Forwarded-For: 1\r\nX-Other-Name: 2\r\nte: trailers\r\nHosz: 3\r\n\r\n",
  );
  assert.ok(r.ok);
  assert.deepEqual(r.head.headers.map((h) => [h.name, h.lname]), [
    ["HOST", "host"],
    ["content-TYPE", "content-type"],
    ["X-Forwarded-For", "x-forwarded-for"],
    ["X-Other-Name", "x-other-name"],
    ["te", "te"],
    ["Hosz", "hosz"],
  ]);
});
