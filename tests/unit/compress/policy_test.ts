/** shouldCompress() reasons as a table; rewriteResponseHead() and requestForOffload() head edits. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type CompressPolicy,
  type Field,
  requestForOffload,
  type RequestInfo,
  type ResponseInfo,
  rewriteResponseHead,
  shouldCompress,
  type SkipReason,
} from "../../../src/compress/policy.ts";

/** Fields from "Name: value" lines. */
function hs(...lines: string[]): Field[] {
  return lines.map((l) => {
    const c = l.indexOf(":");
    return { name: l.slice(0, c), value: l.slice(c + 1).trim() };
  });
}

const GET: RequestInfo = { method: "GET", headers: hs("Host: a", "Accept-Encoding: gzip") };
const HTML = "Content-Type: text/html; charset=utf-8";
const ANY: CompressPolicy = { minsize: 0 };
const TEXT: CompressPolicy = { types: ["text/html", "Application/JSON", "image/*"], minsize: 100 };

function res(status: number, ...lines: string[]): ResponseInfo {
  return { status, headers: hs(...lines) };
}

/** [name, request, response, policy, expected reason or "ok"] */
const table: [string, RequestInfo, ResponseInfo, CompressPolicy, SkipReason | "ok"][] = [
  ["plain 200", GET, res(200, HTML, "Content-Length: 500"), TEXT, "ok"],
  ["chunked 200", GET, res(200, HTML, "Transfer-Encoding: chunked"), TEXT, "ok"],
  ["close-delimited 200", GET, res(200, HTML), TEXT, "ok"],
  ["201", GET, res(201, HTML), ANY, "ok"],
  ["202", GET, res(202, HTML), ANY, "ok"],
  ["203", GET, res(203, HTML), ANY, "ok"],
  ["HTTP/1.1 client", { ...GET, minor: 1 }, res(200, HTML), ANY, "ok"],
  ["HTTP/1.0 client", { ...GET, minor: 0 }, res(200, HTML), ANY, "http/1.0"],
  ["HEAD", { ...GET, method: "HEAD" }, res(200, HTML), ANY, "head"],
  ["head lower-case", { ...GET, method: "head" }, res(200, HTML), ANY, "head"],
  ["CONNECT", { ...GET, method: "CONNECT" }, res(200), ANY, "tunnel"],
  ["101", GET, res(101, "Upgrade: websocket", "Connection: upgrade"), ANY, "tunnel"],
  ["100", GET, res(100), ANY, "status"],
  ["204", GET, res(204, HTML), ANY, "status"],
  ["206", GET, res(206, HTML, "Content-Range: bytes 0-9/100"), ANY, "status"],
  ["304", GET, res(304, HTML), ANY, "status"],
  ["404", GET, res(404, HTML), ANY, "status"],
  ["500", GET, res(500, HTML), ANY, "status"],
  ["request Range", { ...GET, headers: hs("Range: bytes=0-9") }, res(200, HTML), ANY, "range"],
  ["Content-Range on 200", GET, res(200, HTML, "Content-Range: bytes 0-9/10"), ANY, "range"],
  [
    "TE gzip, chunked",
    GET,
    res(200, HTML, "Transfer-Encoding: gzip, chunked"),
    ANY,
    "transfer-encoding",
  ],
  [
    "TE chunked twice",
    GET,
    res(200, HTML, "Transfer-Encoding: chunked, chunked"),
    ANY,
    "transfer-encoding",
  ],
  ["TE Chunked", GET, res(200, HTML, "Transfer-Encoding: Chunked"), ANY, "ok"],
  ["already gzip", GET, res(200, HTML, "Content-Encoding: gzip"), ANY, "encoded"],
  ["already br", GET, res(200, HTML, "content-encoding: br"), ANY, "encoded"],
  ["identity", GET, res(200, HTML, "Content-Encoding: identity"), ANY, "ok"],
  ["identity, gzip", GET, res(200, HTML, "Content-Encoding: identity, gzip"), ANY, "encoded"],
  ["no-transform", GET, res(200, HTML, "Cache-Control: public, No-Transform"), ANY, "no-transform"],
  [
    "no-transform later field",
    GET,
    res(200, HTML, "Cache-Control: max-age=5", "Cache-Control: no-transform"),
    ANY,
    "no-transform",
  ],
  ["no-cache", GET, res(200, HTML, "Cache-Control: no-cache, max-age=0"), ANY, "ok"],
  ["strong ETag", GET, res(200, HTML, 'ETag: "abc"'), ANY, "ok"],
  ["weak ETag", GET, res(200, HTML, 'ETag: W/"abc"'), ANY, "ok"],
  ["empty ETag", GET, res(200, HTML, 'ETag: ""'), ANY, "ok"],
  ["unquoted ETag", GET, res(200, HTML, "ETag: abc"), ANY, "etag"],
  ["ETag with space", GET, res(200, HTML, 'ETag: "a b"'), ANY, "etag"],
  ["two ETags", GET, res(200, HTML, 'ETag: "a"', 'ETag: "b"'), ANY, "etag"],
  ["multipart", GET, res(200, "Content-Type: multipart/byteranges; boundary=x"), ANY, "multipart"],
  ["gRPC", GET, res(200, "Content-Type: application/grpc+proto"), ANY, "grpc"],
  ["gRPC listed", GET, res(200, "Content-Type: application/grpc"), {
    types: ["application/grpc"],
    minsize: 0,
  }, "grpc"],
  ["type listed", GET, res(200, "Content-Type: application/json"), TEXT, "ok"],
  ["type case", GET, res(200, "Content-Type: TEXT/HTML;charset=x"), TEXT, "ok"],
  ["type wildcard", GET, res(200, "Content-Type: image/svg+xml"), TEXT, "ok"],
  ["type not listed", GET, res(200, "Content-Type: text/plain"), TEXT, "type"],
  ["type prefix only", GET, res(200, "Content-Type: text/htmlx"), TEXT, "type"],
  ["no type, list set", GET, res(200), TEXT, "type"],
  ["no type, no list", GET, res(200), ANY, "ok"],
  ["empty list", GET, res(200, "Content-Type: video/mp4"), { types: [], minsize: 0 }, "ok"],
  ["small", GET, res(200, HTML, "Content-Length: 99"), TEXT, "small"],
  ["minsize exactly", GET, res(200, HTML, "Content-Length: 100"), TEXT, "ok"],
  ["empty body", GET, res(200, HTML, "Content-Length: 0"), ANY, "small"],
  ["CL list same", GET, res(200, HTML, "Content-Length: 500, 500"), TEXT, "ok"],
  ["CL differ", GET, res(200, HTML, "Content-Length: 500", "Content-Length: 501"), TEXT, "length"],
  ["CL junk", GET, res(200, HTML, "Content-Length: 5e2"), TEXT, "length"],
];

test("shouldCompress() accepts or names the reason (table)", () => {
  for (const [name, req, r, cfg, want] of table) {
    const v = shouldCompress(req, r, cfg);
    assert.equal(v.ok ? "ok" : v.reason, want, name);
  }
});

test("shouldCompress() uses lname when the fields carry it", () => {
  const headers = [{ name: "X", lname: "content-encoding", value: "gzip" }];
  assert.deepEqual(shouldCompress(GET, { status: 200, headers }, ANY), {
    ok: false,
    reason: "encoded",
  });
});

function pairs(h: readonly Field[]): string[] {
  return h.map((f) => `${f.name}: ${f.value}`);
}

test("rewriteResponseHead() sets the coding, drops length, digests and ranges, adds chunked", () => {
  const input = hs(
    "Date: x",
    "Content-Length: 500",
    "Content-Type: text/html",
    "Accept-Ranges: bytes",
    "Content-Encoding: identity",
    "Content-MD5: abc",
    "Digest: sha-256=x",
    "Content-Digest: sha-256=:x:",
    "Repr-Digest: sha-256=:x:",
    "Set-Cookie: a=1",
  );
  const before = pairs(input);
  const out = rewriteResponseHead(input, "br");
  assert.deepEqual(pairs(out), [
    "Date: x",
    "Content-Type: text/html",
    "Set-Cookie: a=1",
    "Content-Encoding: br",
    "Transfer-Encoding: chunked",
    "Vary: Accept-Encoding",
  ]);
  assert.deepEqual(pairs(input), before, "the input is left alone");
  for (const f of out) assert.equal(f.lname, f.name.toLowerCase());
});

test("rewriteResponseHead() with chunked: false adds no framing field", () => {
  const out = rewriteResponseHead(hs("Transfer-Encoding: chunked", "Vary: *"), "gzip", {
    chunked: false,
  });
  assert.deepEqual(pairs(out), ["Vary: *", "Content-Encoding: gzip"]);
});

test("rewriteResponseHead() merges Accept-Encoding into Vary once", () => {
  const vary = (...lines: string[]) =>
    pairs(rewriteResponseHead(hs(...lines), "gzip", { chunked: false })).filter((l) =>
      l.startsWith("Vary")
    );
  assert.deepEqual(vary(), ["Vary: Accept-Encoding"]);
  assert.deepEqual(vary("Vary: Origin"), ["Vary: Origin, Accept-Encoding"]);
  assert.deepEqual(vary("Vary: Origin", "Vary: Cookie"), [
    "Vary: Origin",
    "Vary: Cookie, Accept-Encoding",
  ]);
  assert.deepEqual(vary("Vary: accept-encoding, Origin"), ["Vary: accept-encoding, Origin"]);
  assert.deepEqual(vary("Vary: Origin", "Vary: Accept-Encoding"), [
    "Vary: Origin",
    "Vary: Accept-Encoding",
  ]);
  assert.deepEqual(vary("Vary: *"), ["Vary: *"]);
  assert.deepEqual(vary("Vary: Origin, *"), ["Vary: Origin, *"]);
  assert.deepEqual(vary("Vary: "), ["Vary: Accept-Encoding"]);
});

test("rewriteResponseHead() weakens a strong ETag and keeps a weak one", () => {
  const etag = (v: string) =>
    rewriteResponseHead(hs(`ETag: ${v}`), "zstd").find((f) => f.lname === "etag")?.value;
  assert.equal(etag('"x"'), 'W/"x"');
  assert.equal(etag('""'), 'W/""');
  assert.equal(etag('W/"x"'), 'W/"x"');
});

test("requestForOffload() removes every Accept-Encoding field and keeps the rest in order", () => {
  const input = hs("Host: a", "Accept-Encoding: gzip", "X: 1", "accept-encoding: br", "Y: 2");
  assert.deepEqual(pairs(requestForOffload(input)), ["Host: a", "X: 1", "Y: 2"]);
  assert.equal(input.length, 5);
});
