/** Tests for the HTTP check: the request bytes, and the verdict on every kind of response. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_EXPECT, parseExpect } from "../../../src/check/expect.ts";
import {
  checkRequest,
  evaluateResponse,
  type HttpCheckSpec,
  MAX_RESPONSE,
} from "../../../src/check/http_check.ts";

const SPEC: HttpCheckSpec = {
  method: "OPTIONS",
  uri: "/",
  version: "HTTP/1.0",
  headers: {},
  expect: DEFAULT_EXPECT,
};

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);

function spec(expect: string, method = "GET") {
  const r = parseExpect(expect);
  if (!r.ok) throw new TypeError(r.error);
  return { method, expect: r.expect };
}

function judge(response: string, ended: boolean, s = spec("status 200-399")) {
  return evaluateResponse(bytes(response), ended, s);
}

test("checkRequest() sends HAProxy's default OPTIONS / HTTP/1.0 with nothing added", () => {
  assert.equal(text(checkRequest(SPEC, "127.0.0.1:80")), "OPTIONS / HTTP/1.0\r\n\r\n");
});

test("checkRequest() sends the configured headers in order", () => {
  const s = { ...SPEC, method: "GET", uri: "/health?full=1", headers: { Host: "app", "X-A": "1" } };
  assert.equal(
    text(checkRequest(s, "h:1")),
    "GET /health?full=1 HTTP/1.0\r\nHost: app\r\nX-A: 1\r\n\r\n",
  );
});

test("checkRequest() adds host and connection: close to HTTP/1.1 unless configured", () => {
  const s: HttpCheckSpec = { ...SPEC, method: "HEAD", uri: "/h", version: "HTTP/1.1" };
  assert.equal(
    text(checkRequest(s, "[::1]:8080")),
    "HEAD /h HTTP/1.1\r\nhost: [::1]:8080\r\nconnection: close\r\n\r\n",
  );
  const own = { ...s, headers: { host: "svc", Connection: "keep-alive" } };
  assert.equal(
    text(checkRequest(own, "10.0.0.1:80")),
    "HEAD /h HTTP/1.1\r\nhost: svc\r\nConnection: keep-alive\r\n\r\n",
  );
});

test("evaluateResponse() passes 2xx and 3xx by default with code and reason", () => {
  const d = { method: "OPTIONS", expect: DEFAULT_EXPECT };
  assert.deepEqual(judge("HTTP/1.0 200 OK\r\n\r\n", false, d), {
    ok: true,
    status: "Layer7 check passed",
    code: 200,
    info: "OK",
  });
  assert.equal(judge("HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n", false, d)?.ok, true);
  assert.deepEqual(judge("HTTP/1.1 404 Not Found\r\n\r\n", false, d), {
    ok: false,
    status: "Layer7 wrong status",
    code: 404,
    info: "Not Found",
  });
});

test("evaluateResponse() judges a status expectation as soon as the head is complete", () => {
  const s = spec("status 200");
  assert.equal(judge("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n", false, s), null);
  assert.equal(judge("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", false, s)?.ok, true);
  assert.deepEqual(judge("HTTP/1.1 500 Internal Server Error\r\n\r\nboom", false, s), {
    ok: false,
    status: "Layer7 wrong status",
    code: 500,
    info: "Internal Server Error",
  });
  assert.equal(judge("HTTP/1.1 200\r\n\r\n", false, s)?.info, undefined, "no reason phrase");
  assert.equal(judge("HTTP/1.0 200 OK\n\n", false, s)?.ok, true, "bare LF line ends");
});

test("evaluateResponse() applies rstatus and negated status", () => {
  assert.equal(judge("HTTP/1.1 503 Busy\r\n\r\n", false, spec("! rstatus ^5"))?.ok, false);
  assert.equal(judge("HTTP/1.1 404 Nope\r\n\r\n", false, spec("! rstatus ^5"))?.ok, true);
  assert.equal(judge("HTTP/1.1 204 No\r\n\r\n", false, spec("rstatus ^20[04]$"))?.ok, true);
  assert.equal(
    judge("HTTP/1.1 200 OK\r\n\r\n", false, spec("! status 200"))?.status,
    "Layer7 wrong status",
  );
});

test("evaluateResponse() reports empty, truncated and non-HTTP responses as invalid", () => {
  assert.deepEqual(judge("", true), {
    ok: false,
    status: "Layer7 invalid response",
    info: "empty response",
  });
  assert.equal(judge("", false), null);
  assert.deepEqual(judge("HTTP/1.1 200 OK\r\n", true), {
    ok: false,
    status: "Layer7 invalid response",
    info: "incomplete response head",
  });
  assert.deepEqual(judge("SSH-2.0-OpenSSH\r\n\r\n", false), {
    ok: false,
    status: "Layer7 invalid response",
    info: "invalid status line",
  });
});

test("evaluateResponse() skips interim 1xx responses", () => {
  const r = judge("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Unavailable\r\n\r\n", false);
  assert.equal(r?.code, 503);
  assert.equal(judge("HTTP/1.1 100 Continue\r\n\r\n", false), null);
});

test("evaluateResponse() finds a string in a Content-Length body, waiting for it", () => {
  const s = spec("string ready");
  const head = "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n";
  assert.equal(judge(head + "sta", false, s), null);
  assert.deepEqual(judge(head + "state: ready", false, s), {
    ok: true,
    status: "Layer7 check passed",
    code: 200,
    info: "OK",
  });
  assert.deepEqual(judge(head + "state: tired", false, s), {
    ok: false,
    status: "Layer7 invalid response",
    code: 200,
    info: "HTTP content check did not match",
  });
});

test("evaluateResponse() reads a body up to the close when it has no length", () => {
  const s = spec("string ready");
  const head = "HTTP/1.0 200 OK\r\n\r\n";
  assert.equal(judge(head + "not yet", false, s), null);
  assert.equal(judge(head + "not yet", true, s)?.info, "HTTP content check did not match");
  assert.equal(judge(head + "ready, finally", false, s)?.ok, true, "a match needs no close");
});

test("evaluateResponse() removes chunked framing before matching", () => {
  const s = spec("rstring ^hello world$");
  const head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  assert.equal(judge(head + "5\r\nhello\r\n", false, s), null);
  assert.equal(judge(head + "5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n", false, s)?.ok, true);
  assert.equal(judge(head + "5\r\nhello\r\n0\r\n\r\n", false, s)?.ok, false);
});

test("evaluateResponse() with ! string fails on a match, passes on a complete body without it", () => {
  const s = spec("! string error");
  const head = "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n";
  assert.deepEqual(judge(head + "an error!", false, s), {
    ok: false,
    status: "Layer7 invalid response",
    code: 200,
    info: "HTTP check matched unwanted content",
  });
  assert.equal(judge(head + "all ", false, s), null);
  assert.equal(judge(head + "all good!", false, s)?.ok, true);
});

test("evaluateResponse() fails a body check on a response without a body", () => {
  const r = judge("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false, spec("string x"));
  assert.equal(r?.info, "HTTP content check could not find a response body");
  const head = evaluateResponse(
    bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"),
    false,
    spec("string x", "HEAD"),
  );
  assert.equal(head?.info, "HTTP content check could not find a response body", "HEAD: no body");
});

test("evaluateResponse() judges what it has once MAX_RESPONSE bytes arrived", () => {
  const head = "HTTP/1.1 200 OK\r\n\r\n";
  const big = head + "x".repeat(MAX_RESPONSE - head.length);
  assert.equal(judge(big, false, spec("string needle"))?.info, "HTTP content check did not match");
  const noEnd = "HTTP/1.1 200 OK\r\n" + "X-Pad: y\r\n".repeat(MAX_RESPONSE / 10);
  assert.equal(judge(noEnd, false)?.info, "incomplete response head");
});
