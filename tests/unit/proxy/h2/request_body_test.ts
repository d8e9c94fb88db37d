/** RequestBodyIn: DATA to the transaction (copied or chunked), credit returned when taken, held while paused. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { RequestBodyIn } from "../../../../src/proxy/h2/request_body.ts";
import { splitAnswer } from "../../../../src/proxy/h2/answer.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function sink() {
  const got: string[] = [];
  return {
    got,
    wants: true,
    wantsRequestBytes() {
      return this.wants;
    },
    onClientData(c: Uint8Array) {
      got.push(dec(c));
    },
  };
}

test("RequestBodyIn frames DATA as chunks without a content-length, trailers in the last chunk", () => {
  let credit = 0;
  const s = sink();
  const b = new RequestBodyIn(true, (n) => (credit += n));
  b.attach(s);
  b.data(enc("hello"), false);
  b.trailers([{ name: "x-t", lname: "x-t", value: "1" }]);
  assert.deepEqual(s.got, ["5\r\nhello\r\n", "0\r\nx-t: 1\r\n\r\n"]);
  assert.equal(credit, 5);
  b.data(enc(""), true);
  assert.equal(s.got.at(-1), "0\r\n\r\n");
});

test("RequestBodyIn holds DATA while paused and returns their credit only when taken", () => {
  let credit = 0;
  const s = sink();
  const b = new RequestBodyIn(false, (n) => (credit += n));
  b.attach(s);
  const view = enc("abc");
  b.pause();
  b.data(view, false);
  view.fill(0); // the codec's view is reused: what is held is a copy
  b.data(enc("de"), true);
  assert.deepEqual(s.got, []);
  assert.equal(credit, 0);
  b.resume();
  assert.deepEqual(s.got, ["abc", "de"]);
  assert.equal(credit, 5);
});

test("splitAnswer() splits an HTTP/1.1 answer into head and body (cut at content-length)", () => {
  const { head, body } = splitAnswer(
    enc("HTTP/1.1 403 Forbidden\r\ncontent-length: 3\r\n\r\nabcEXTRA"),
  );
  assert.equal(head.status, 403);
  assert.equal(dec(body), "abc");
  assert.equal(splitAnswer(enc("garbage")).head.status, 500);
});
