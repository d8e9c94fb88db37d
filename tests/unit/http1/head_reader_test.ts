/** HeadReader: heads across chunk boundaries, rest bytes, early limits, bare LF, leading empty lines. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { HeadReader, type HeadStep } from "../../../src/http1/head_reader.ts";
import { decodeLatin1 } from "../../../src/http1/serialize.ts";
import { DEFAULT_LIMITS, type HeadLimits } from "../../../src/http1/types.ts";
import { bytesOf } from "./drive.ts";

const HEAD = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";

function text(step: HeadStep): { head: string; rest: string } | string {
  if (step.state === "head") {
    return { head: decodeLatin1(step.head), rest: decodeLatin1(step.rest) };
  }
  return step.state === "more" ? "more" : `${step.rejection.status} ${step.rejection.reason}`;
}

test("HeadReader.push() returns a head from one chunk as subarrays, no copy", () => {
  const chunk = bytesOf(HEAD + "BODY");
  const step = new HeadReader(DEFAULT_LIMITS).push(chunk);
  assert.equal(step.state, "head");
  if (step.state !== "head") return;
  assert.equal(decodeLatin1(step.head), HEAD);
  assert.equal(decodeLatin1(step.rest), "BODY");
  assert.equal(step.head.buffer, chunk.buffer);
  assert.equal(step.rest.buffer, chunk.buffer);
  assert.equal(step.rest.byteOffset, chunk.byteOffset + HEAD.length);
});

test("HeadReader.push() finds the head end at every split point", () => {
  const all = HEAD + "xyz";
  for (let cut = 1; cut < all.length; cut++) {
    const r = new HeadReader(DEFAULT_LIMITS);
    const first = r.push(bytesOf(all.slice(0, cut)));
    if (cut >= HEAD.length) {
      assert.deepEqual(text(first), { head: HEAD, rest: all.slice(HEAD.length, cut) });
      continue;
    }
    assert.equal(first.state, "more", `cut ${cut}`);
    assert.deepEqual(
      text(r.push(bytesOf(all.slice(cut)))),
      { head: HEAD, rest: "xyz" },
      `cut ${cut}`,
    );
  }
});

test("HeadReader.push() byte by byte gives the same head", () => {
  const r = new HeadReader(DEFAULT_LIMITS);
  const bytes = bytesOf(HEAD);
  for (let i = 0; i < bytes.length - 1; i++) {
    assert.equal(r.push(bytes.subarray(i, i + 1)).state, "more");
  }
  assert.deepEqual(text(r.push(bytes.subarray(bytes.length - 1))), { head: HEAD, rest: "" });
});

test("HeadReader copies partial heads, so callers may reuse their read buffer", () => {
  const r = new HeadReader(DEFAULT_LIMITS);
  const buf = bytesOf(HEAD.slice(0, 10));
  assert.equal(r.push(buf).state, "more");
  assert.equal(r.buffered, 10);
  buf.fill(0x58);
  assert.deepEqual(text(r.push(bytesOf(HEAD.slice(10)))), { head: HEAD, rest: "" });
  assert.equal(r.buffered, 0);
});

test("HeadReader resets itself after a head, ready for a pipelined request", () => {
  const r = new HeadReader(DEFAULT_LIMITS);
  const step = r.push(bytesOf(HEAD + HEAD));
  assert.equal(step.state, "head");
  if (step.state !== "head") return;
  assert.deepEqual(text(r.push(step.rest)), { head: HEAD, rest: "" });
});

test("HeadReader skips leading empty lines up to maxHead bytes of them and refuses more", () => {
  assert.deepEqual(text(new HeadReader(DEFAULT_LIMITS).push(bytesOf("\r\n\r\n" + HEAD))), {
    head: HEAD,
    rest: "",
  });
  const limits = { ...DEFAULT_LIMITS, maxHead: 10 };
  assert.equal(text(new HeadReader(limits).push(bytesOf("\r\n".repeat(5) + "GET"))), "more");
  const r = new HeadReader(limits);
  assert.equal(r.push(bytesOf("\r\n".repeat(5) + "\r")).state, "more");
  assert.equal(r.buffered, 0);
  assert.equal(text(r.push(bytesOf("\n"))), "400 too many empty lines before start line");
  assert.equal(
    text(new HeadReader(DEFAULT_LIMITS).push(bytesOf("\rX"))),
    "400 bare CR before start line",
  );
});

test("HeadReader refuses a bare LF anywhere in the head (502 for responses)", () => {
  for (
    const raw of [
      "\nGET",
      "GET / HTTP/1.1\nHost",
      "GET / HTTP/1.1\r\nHost: a\n",
      "GET / HTTP/1.1\r\n\n",
    ]
  ) {
    assert.equal(
      text(new HeadReader(DEFAULT_LIMITS).push(bytesOf(raw))),
      "400 bare LF in head",
      raw,
    );
  }
  const resp = new HeadReader(DEFAULT_LIMITS, "response").push(bytesOf("HTTP/1.1 200 OK\n"));
  assert.equal(text(resp), "502 bare LF in head");
});

test("HeadReader refuses an overlong request line early with 414 (502 for responses)", () => {
  const limits: HeadLimits = { maxRequestLine: 20, maxHead: 100, maxHeaders: 10 };
  const line = "GET /" + "a".repeat(11) + " HTTP/1.1"; // 25 bytes
  assert.equal(text(new HeadReader(limits).push(bytesOf(line.slice(0, 20)))), "more");
  assert.equal(
    text(new HeadReader(limits).push(bytesOf(line.slice(0, 21)))),
    "414 request line too long",
  );
  assert.equal(
    text(new HeadReader(limits, "response").push(bytesOf(line))),
    "502 status line too long",
  );
  const exact = "GET /" + "a".repeat(6) + " HTTP/1.1\r\n\r\n"; // line of exactly 20
  assert.equal(typeof text(new HeadReader(limits).push(bytesOf(exact))), "object");
  const r = new HeadReader(limits);
  assert.equal(
    text(r.push(bytesOf(exact.slice(0, 21)))),
    "more",
    "a CR at the limit may end the line",
  );
});

test("HeadReader refuses a head over maxHead with 431 as soon as it is exceeded", () => {
  const limits: HeadLimits = { maxRequestLine: 50, maxHead: 40, maxHeaders: 10 };
  const fits = "GET / HTTP/1.1\r\nHost: a\r\nX: " + "v".repeat(8) + "\r\n\r\n"; // 40 bytes
  assert.equal(fits.length, 40);
  assert.equal(typeof text(new HeadReader(limits).push(bytesOf(fits))), "object");
  const over = "GET / HTTP/1.1\r\nHost: a\r\nX: " + "v".repeat(9) + "\r\n\r\n";
  assert.equal(text(new HeadReader(limits).push(bytesOf(over))), "431 request head too large");
  const r = new HeadReader(limits);
  assert.equal(text(r.push(bytesOf(over.slice(0, 40)))), "more");
  assert.equal(text(r.push(bytesOf("v"))), "431 request head too large");
  const resp = new HeadReader(limits, "response").push(bytesOf(over));
  assert.equal(text(resp), "502 response head too large");
});

test("HeadReader errors are sticky until reset()", () => {
  const r = new HeadReader(DEFAULT_LIMITS);
  assert.equal(r.push(bytesOf("\n")).state, "error");
  assert.equal(r.push(bytesOf(HEAD)).state, "error");
  r.reset();
  assert.deepEqual(text(r.push(bytesOf(HEAD))), { head: HEAD, rest: "" });
});

test("HeadReader.push() of an empty chunk asks for more", () => {
  const r = new HeadReader(DEFAULT_LIMITS);
  assert.equal(r.push(new Uint8Array(0)).state, "more");
  assert.equal(r.push(bytesOf("GET")).state, "more");
  assert.equal(r.push(new Uint8Array(0)).state, "more");
  assert.deepEqual(text(r.push(bytesOf(HEAD.slice(3)))), { head: HEAD, rest: "" });
});
