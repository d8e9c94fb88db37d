/** ChunkedParser: body end, lengths, boundaries, refusals, large data skipped without inspection. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ChunkedParser } from "../../../src/http1/chunked.ts";
import type { Rejection } from "../../../src/http1/types.ts";
import { bytesOf } from "./drive.ts";

/** Feeds `raw` in pieces of `step` bytes; returns bytes taken, or the refusal as "status reason". */
function run(raw: string, step = raw.length || 1, p = new ChunkedParser()): number | string {
  const bytes = bytesOf(raw);
  let taken = 0;
  for (let i = 0; i < bytes.length; i += step) {
    const n: number | Rejection = p.feed(bytes.subarray(i, i + step));
    if (typeof n !== "number") return `${n.status} ${n.reason}`;
    taken += n;
    if (p.done) break;
  }
  return p.done ? taken : `incomplete after ${taken}`;
}

test("ChunkedParser.feed() stops at the end of the body, leaving the next message", () => {
  const body = "5\r\nhello\r\n6;x=y\r\n world\r\n0\r\nX-T: 1\r\n\r\n";
  for (const step of [1, 2, 3, 7, body.length + 20]) {
    assert.equal(run(body + "GET / HTTP/1.1\r\n", step), body.length, `step ${step}`);
  }
  const p = new ChunkedParser();
  assert.equal(p.feed(bytesOf(body + "NEXT")), body.length);
  assert.ok(p.done);
  assert.equal(p.dataLength, 11);
  assert.equal(p.consumed, body.length);
  assert.equal(p.feed(bytesOf("more")), 0, "nothing more belongs to a finished body");
});

test("ChunkedParser.done is false until the final CRLF", () => {
  const p = new ChunkedParser();
  assert.equal(p.feed(bytesOf("0\r\n")), 3);
  assert.equal(p.done, false);
  assert.equal(p.feed(bytesOf("\r")), 1);
  assert.equal(p.done, false);
  assert.equal(p.feed(bytesOf("\n")), 1);
  assert.ok(p.done);
});

test("ChunkedParser skips large chunk data in one step", () => {
  const size = 1 << 20;
  const p = new ChunkedParser();
  assert.equal(p.feed(bytesOf(size.toString(16) + "\r\n")), 8);
  const data = new Uint8Array(size).fill(0x0a); // LFs and CRs in data are just data
  assert.equal(p.feed(data.subarray(0, 1000)), 1000);
  assert.equal(p.feed(data.subarray(1000)), size - 1000);
  assert.equal(p.feed(bytesOf("\r\n0\r\n\r\n")), 7);
  assert.ok(p.done);
  assert.equal(p.dataLength, size);
});

test("ChunkedParser accepts extensions (token or quoted values) and trailers", () => {
  assert.equal(typeof run('3;a;b=c;d="x\\"y;z"\r\nabc\r\n0;e=f\r\n\r\n', 1), "number");
  assert.equal(typeof run("0\r\nA: 1\r\nB:\r\nC: x\ty\xe9\r\n\r\n", 1), "number");
  assert.equal(typeof run("0000\r\n\r\n"), "number");
});

test("ChunkedParser refuses malformed chunk-size lines", () => {
  const cases: [string, string][] = [
    ["\r\n", "400 invalid chunk size"],
    ["g\r\n", "400 invalid chunk size"],
    ["-1\r\n", "400 invalid chunk size"],
    ["5 \r\n", "400 whitespace in chunk size line"],
    ["\t5\r\n", "400 whitespace in chunk size line"],
    ["5;a =b\r\n", "400 whitespace in chunk size line"],
    ["5;a= b\r\n", "400 invalid chunk extension"],
    ["5;\r\n", "400 invalid chunk extension"],
    ["5;a=\r\n", "400 invalid chunk extension"],
    ['5;a="b\x01"\r\n', "400 invalid chunk extension"],
    ['5;a="b"c\r\n', "400 invalid chunk extension"],
    ["5\n", "400 bare LF in chunk size line"],
    ["5\rx", "400 bare CR in chunk size line"],
    ["10000000000000000\r\n", "400 chunk size overflow"],
    ["20000000000000\r\n", "400 chunk size overflow"],
    [`1;a=${"b".repeat(4100)}\r\n`, "400 chunk size line too long"],
  ];
  for (const [raw, want] of cases) {
    assert.equal(run(raw), want, JSON.stringify(raw.slice(0, 20)));
    assert.equal(run(raw, 1), want, `byte by byte: ${JSON.stringify(raw.slice(0, 20))}`);
  }
  assert.equal(
    typeof run("1fffffffffffff\r\n", 1),
    "string",
    "2^53-1 is a valid size (incomplete)",
  );
  assert.equal(run("1fffffffffffff\r\n"), "incomplete after 16");
});

test("ChunkedParser refuses anything but CRLF after chunk data, and bad trailers", () => {
  const cases: [string, string][] = [
    ["3\r\nabcd\r\n", "400 missing CRLF after chunk data"],
    ["3\r\nabc\n0\r\n\r\n", "400 missing CRLF after chunk data"],
    ["3\r\nabc\rX", "400 missing CRLF after chunk data"],
    ["0\r\n\n", "400 bare LF in trailer"],
    ["0\r\n\rX", "400 bare CR in trailer"],
    ["0\r\nA: 1\n\r\n", "400 bare LF in trailer"],
    ["0\r\n A: 1\r\n\r\n", "400 obsolete line folding in trailer"],
    ["0\r\n: 1\r\n\r\n", "400 empty trailer field name"],
    ["0\r\nA : 1\r\n\r\n", "400 space before colon in trailer field name"],
    ["0\r\nA\r\n\r\n", "400 invalid trailer field name"],
    ["0\r\nA: \x7f\r\n\r\n", "400 control character in trailer value"],
  ];
  for (const [raw, want] of cases) {
    assert.equal(run(raw), want, JSON.stringify(raw));
    assert.equal(run(raw, 1), want, `byte by byte: ${JSON.stringify(raw)}`);
  }
});

test("ChunkedParser caps trailers and uses 502 for responses; refusals are sticky", () => {
  const big = `0\r\nX: ${"v".repeat(100)}\r\n\r\n`;
  assert.equal(run(big, 1, new ChunkedParser("request", 50)), "400 trailers too large");
  assert.equal(typeof run(big, 1, new ChunkedParser("request", 200)), "number");
  const p = new ChunkedParser("response");
  const first = p.feed(bytesOf("x"));
  assert.deepEqual(first, { status: 502, reason: "invalid chunk size" });
  assert.deepEqual(p.feed(bytesOf("0\r\n\r\n")), first);
});
