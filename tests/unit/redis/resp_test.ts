/** RESP2: commands encoded as bulk-string arrays, replies parsed incrementally from any split of the bytes. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeCommands, RespError, RespParser, type RespValue } from "../../../src/redis/resp.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function parseAll(p: RespParser): RespValue[] {
  const out: RespValue[] = [];
  for (let r = p.next(); r !== undefined; r = p.next()) out.push(r.value);
  return out;
}

test("encodeCommands() writes each command as an array of bulk strings, numbers in decimal", () => {
  assert.equal(
    text(encodeCommands([["PING"], ["HINCRBY", "k", "f", -3]])),
    "*1\r\n$4\r\nPING\r\n*4\r\n$7\r\nHINCRBY\r\n$1\r\nk\r\n$1\r\nf\r\n$2\r\n-3\r\n",
  );
});

test("encodeCommands() counts bytes, not characters, for UTF-8 words", () => {
  assert.equal(
    text(encodeCommands([["SET", "é", "€"]])),
    "*3\r\n$3\r\nSET\r\n$2\r\né\r\n$3\r\n€\r\n",
  );
});

const REPLIES = "+OK\r\n-ERR wrong\r\n:42\r\n:-7\r\n$5\r\nhello\r\n$0\r\n\r\n$-1\r\n*-1\r\n" +
  "*3\r\n$1\r\na\r\n*2\r\n:1\r\n$-1\r\n*0\r\n$4\r\na\r\nb\r\n";
const EXPECTED: RespValue[] = [
  "OK",
  new RespError("ERR wrong"),
  42,
  -7,
  "hello",
  "",
  null,
  null,
  ["a", [1, null], []],
  "a\r\nb",
];

test("RespParser reads every reply type, in order", () => {
  const p = new RespParser();
  p.feed(bytes(REPLIES));
  assert.deepEqual(parseAll(p), EXPECTED);
  assert.equal(p.buffered, 0);
});

test("RespParser gives the same replies for every way of cutting the bytes in two", () => {
  const all = bytes(REPLIES);
  for (let cut = 0; cut <= all.length; cut++) {
    const p = new RespParser();
    p.feed(all.subarray(0, cut));
    const first = parseAll(p);
    p.feed(all.subarray(cut));
    assert.deepEqual([...first, ...parseAll(p)], EXPECTED, `cut at ${cut}`);
  }
});

test("RespParser fed one byte at a time holds a partial reply until it is complete", () => {
  const all = bytes(REPLIES);
  const p = new RespParser();
  const out: RespValue[] = [];
  for (let i = 0; i < all.length; i++) {
    p.feed(all.subarray(i, i + 1));
    out.push(...parseAll(p));
  }
  assert.deepEqual(out, EXPECTED);
  const q = new RespParser();
  q.feed(bytes("$5\r\nhel"));
  assert.equal(q.next(), undefined);
  assert.equal(q.buffered, 7);
});

test("RespParser throws a SyntaxError naming the offset on bytes that are not RESP", () => {
  const p = new RespParser();
  p.feed(bytes("+OK\r\n?what\r\n"));
  assert.deepEqual(p.next(), { value: "OK" });
  assert.throws(() => p.next(), /unexpected type byte 0x3f at offset 5/);
  const q = new RespParser();
  q.feed(bytes(":12x\r\n"));
  assert.throws(() => q.next(), /"12x" is not an integer/);
  const r = new RespParser();
  r.feed(bytes("+OK\n"));
  assert.throws(() => r.next(), /LF without CR/);
});
