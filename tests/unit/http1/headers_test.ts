/** Header helpers: lookups, list tokens, edits, hop-by-hop removal. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  addHeader,
  getHeader,
  getHeaders,
  hasToken,
  headerCount,
  listElements,
  removeHeader,
  removeHopByHop,
  setHeader,
} from "../../../src/http1/headers.ts";
import type { HeaderField } from "../../../src/http1/types.ts";

function h(...pairs: [string, string][]): HeaderField[] {
  return pairs.map(([name, value]) => ({ name, lname: name.toLowerCase(), value }));
}

function names(fields: HeaderField[]): string {
  return fields.map((f) => `${f.name}=${f.value}`).join(" ");
}

test("getHeader(), getHeaders(), headerCount() match names case-insensitively", () => {
  const f = h(["Accept", "a"], ["X", "1"], ["accept", "b"]);
  assert.equal(getHeader(f, "accept"), "a");
  assert.equal(getHeader(f, "missing"), undefined);
  assert.deepEqual(getHeaders(f, "accept"), ["a", "b"]);
  assert.deepEqual(getHeaders(f, "missing"), []);
  assert.equal(headerCount(f, "accept"), 2);
  assert.equal(headerCount(f, "x"), 1);
});

test("hasToken() finds list members over all fields, case-insensitively, not substrings", () => {
  const f = h(["Connection", "keep-alive ,\tUpgrade"], ["connection", "CLOSE"]);
  assert.ok(hasToken(f, "connection", "close"));
  assert.ok(hasToken(f, "connection", "upgrade"));
  assert.ok(hasToken(f, "connection", "Keep-Alive"));
  assert.ok(!hasToken(f, "connection", "alive"));
  assert.ok(!hasToken(f, "connection", "clos"));
  assert.ok(!hasToken(f, "upgrade", "close"));
  assert.ok(!hasToken(h(["Connection", ""]), "connection", ""), "empty elements never match");
});

test("listElements() lower-cases elements and drops empty ones", () => {
  assert.deepEqual(listElements(h(["TE", "A, ,b"], ["te", "C"]), "te"), ["a", "b", "c"]);
});

test("setHeader() replaces every field of that name at the first one's place", () => {
  const f = h(["A", "1"], ["X", "old"], ["B", "2"], ["x", "older"]);
  setHeader(f, "X-new", "v");
  assert.equal(names(f), "A=1 X=old B=2 x=older X-new=v");
  setHeader(f, "X", "new");
  assert.equal(names(f), "A=1 X=new B=2 X-new=v");
});

test("addHeader() appends; removeHeader() removes all and counts them", () => {
  const f = h(["A", "1"]);
  addHeader(f, "Via", "1.1 a");
  addHeader(f, "via", "1.1 b");
  assert.equal(names(f), "A=1 Via=1.1 a via=1.1 b");
  assert.equal(removeHeader(f, "via"), 2);
  assert.equal(removeHeader(f, "via"), 0);
  assert.equal(names(f), "A=1");
});

test("removeHopByHop() drops Connection, what it lists and the fixed hop-by-hop list", () => {
  const f = h(
    ["Host", "a"],
    ["Connection", "close, X-Secret"],
    ["Keep-Alive", "timeout=5"],
    ["Proxy-Connection", "keep-alive"],
    ["TE", "trailers"],
    ["Trailer", "X-T"],
    ["Upgrade", "websocket"],
    ["X-Secret", "1"],
    ["Transfer-Encoding", "chunked"],
    ["Proxy-Authorization", "Basic x"],
  );
  assert.equal(removeHopByHop(f), 7);
  assert.equal(names(f), "Host=a Transfer-Encoding=chunked Proxy-Authorization=Basic x");
});

test("removeHopByHop() never drops framing or Host when Connection lists them", () => {
  const f = h(["Host", "a"], ["Connection", "Content-Length, transfer-encoding, host"], [
    "Content-Length",
    "5",
  ]);
  removeHopByHop(f);
  assert.equal(names(f), "Host=a Content-Length=5");
});

test("removeHopByHop() keeps the names in `keep` (a WebSocket upgrade)", () => {
  const f = h(["Connection", "Upgrade"], ["Upgrade", "websocket"], ["Keep-Alive", "1"]);
  assert.equal(removeHopByHop(f, new Set(["connection", "upgrade"])), 1);
  assert.equal(names(f), "Connection=Upgrade Upgrade=websocket");
});

test("removeHopByHop() reads every Connection field's list, any case, OWS around elements", () => {
  const f = h(
    ["Connection", "keep-alive ,\tX-Foo "],
    ["x-foo", "1"],
    ["Connection", ", X-BAR,,"],
    ["X-Bar", "2"],
    ["X-Kept", "3"],
    ["Close", "4"],
  );
  assert.equal(removeHopByHop(f), 4);
  assert.equal(names(f), "X-Kept=3 Close=4");
});
