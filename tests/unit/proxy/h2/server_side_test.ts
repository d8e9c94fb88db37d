/** The HTTP/1.1 ↔ HTTP/2 translation of a server stream: requestFields (pseudo-fields, dropped fields, te) and ResponseIn (framing, chunks, trailers). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRequestHead } from "../../../../src/http1/parse.ts";
import { DEFAULT_LIMITS } from "../../../../src/http1/types.ts";
import { requestFields } from "../../../../src/proxy/h2/request_out.ts";
import { ResponseIn } from "../../../../src/proxy/h2/response_in.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);

function fields(head: string, tls = false): [string, string][] {
  const r = parseRequestHead(bytes(head), DEFAULT_LIMITS);
  assert.ok(r.ok);
  return requestFields(r.head, tls).map((f) => [f.name, f.value]);
}

test("requestFields(): pseudo-fields from the target and Host, names lower-cased, hop-by-hop dropped, te only as trailers", () => {
  assert.deepEqual(
    fields(
      "POST /svc/M?x=1 HTTP/1.1\r\nHost: api:8080\r\nContent-Type: application/grpc\r\n" +
        "Connection: close, X-Hop\r\nX-Hop: 1\r\nTE: trailers, deflate\r\n" +
        "Transfer-Encoding: chunked\r\nKeep-Alive: 5\r\nX-Kept: yes\r\n\r\n",
      true,
    ),
    [
      [":method", "POST"],
      [":scheme", "https"],
      [":authority", "api:8080"],
      [":path", "/svc/M?x=1"],
      ["content-type", "application/grpc"],
      ["te", "trailers"],
      ["x-kept", "yes"],
    ],
  );
  assert.deepEqual(fields("GET / HTTP/1.1\r\nHost: a\r\nTE: gzip\r\n\r\n").slice(1), [
    [":scheme", "http"],
    [":authority", "a"],
    [":path", "/"],
  ]);
});

test("requestFields(): absolute-form gives scheme, authority and path; OPTIONS * and CONNECT", () => {
  assert.deepEqual(fields("GET http://h.example:81 HTTP/1.1\r\nHost: h.example:81\r\n\r\n"), [
    [":method", "GET"],
    [":scheme", "http"],
    [":authority", "h.example:81"],
    [":path", "/"],
  ]);
  assert.deepEqual(fields("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n")[3], [":path", "*"]);
  assert.deepEqual(fields("CONNECT db:5432 HTTP/1.1\r\nHost: db:5432\r\n\r\n"), [
    [":method", "CONNECT"],
    [":authority", "db:5432"],
  ]);
});

test("ResponseIn: no content-length → chunked, DATA as chunks, trailers in the last chunk", () => {
  const r = new ResponseIn();
  const head = text(
    r.head(
      200,
      [{ name: "content-type", lname: "content-type", value: "application/grpc" }],
      false,
      false,
    ),
  );
  assert.equal(
    head,
    "HTTP/1.1 200 OK\r\ncontent-type: application/grpc\r\ntransfer-encoding: chunked\r\n\r\n",
  );
  assert.equal(text(r.data(bytes("hello"), false)), "5\r\nhello\r\n");
  assert.equal(r.data(new Uint8Array(0), false).length, 0);
  assert.equal(
    text(r.trailers([{ name: "grpc-status", lname: "grpc-status", value: "0" }])),
    "0\r\ngrpc-status: 0\r\n\r\n",
  );
  const ended = new ResponseIn();
  ended.head(200, [], false, false);
  assert.equal(text(ended.data(bytes("ab"), true)), "2\r\nab\r\n0\r\n\r\n");
});

test("ResponseIn: content-length passes DATA as they are; END_STREAM heads; bodiless statuses and HEAD", () => {
  const r = new ResponseIn();
  const cl = [{ name: "content-length", lname: "content-length", value: "2" }];
  assert.match(text(r.head(200, cl, false, false)), /content-length: 2\r\n\r\n$/);
  const d = bytes("ok");
  assert.equal(r.data(d, true), d, "the same view, no copy");
  assert.equal(
    r.trailers([{ name: "x", lname: "x", value: "y" }]).length,
    0,
    "no place for trailers",
  );
  // a trailers-only gRPC answer: HEADERS with END_STREAM
  const only = text(
    new ResponseIn().head(
      200,
      [{ name: "grpc-status", lname: "grpc-status", value: "5" }],
      true,
      false,
    ),
  );
  assert.equal(only, "HTTP/1.1 200 OK\r\ngrpc-status: 5\r\ncontent-length: 0\r\n\r\n");
  assert.doesNotMatch(text(new ResponseIn().head(204, [], true, false)), /content-length/);
  const head = new ResponseIn();
  assert.doesNotMatch(text(head.head(200, [], false, true)), /chunked|content-length/);
  assert.equal(head.data(bytes("x"), true).length, 0, "a HEAD response has no body");
  assert.equal(
    text(new ResponseIn().head(103, [], false, false)),
    "HTTP/1.1 103 Informational\r\n\r\n",
  );
});
