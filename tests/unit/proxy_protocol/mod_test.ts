/** parseProxyHeader(): the first bytes pick the version; a listener may accept only one. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  buildProxyV1,
  buildProxyV2,
  parseProxyHeader,
  type ProxyParse,
} from "../../../src/proxy_protocol/mod.ts";

const enc = new TextEncoder();
const V1 = enc.encode("PROXY TCP4 192.0.2.1 192.0.2.2 1000 443\r\nGET / HTTP/1.1\r\n\r\n");
const V2 = buildProxyV2({
  family: "tcp4",
  src: "192.0.2.1",
  srcPort: 1000,
  dst: "192.0.2.2",
  dstPort: 443,
});

function reasonOf(r: ProxyParse): string {
  assert.equal(r.kind, "error", JSON.stringify(r));
  return r.kind === "error" ? r.reason : "";
}

test("parseProxyHeader() reads v1 and v2 headers alike", () => {
  const a = parseProxyHeader(V1), b = parseProxyHeader(V2);
  assert.ok(a.kind === "ok" && b.kind === "ok");
  assert.equal(a.length, 41);
  assert.equal(b.length, 28);
  assert.deepEqual({ ...a.header, version: 0 }, { ...b.header, version: 0 });
  assert.equal(a.header.version, 1);
  assert.equal(b.header.version, 2);
});

test("parseProxyHeader() waits while the bytes may still start a header", () => {
  for (
    const s of [
      "",
      "P",
      "PRO",
      "PROXY",
      "PROXY ",
      "\r",
      "\r\n\r\n\0\r\nQUI",
      "\r\n\r\n\0\r\nQUIT\n",
    ]
  ) {
    assert.deepEqual(parseProxyHeader(enc.encode(s)), { kind: "incomplete" }, JSON.stringify(s));
  }
});

test("parseProxyHeader() refuses other protocols as soon as a byte differs", () => {
  for (
    const s of ["G", "GET / HTTP/1.1\r\n", "\x16\x03\x01", "PRX", "PROXY\r\n", "\r\n\r\n\n", "\n"]
  ) {
    assert.equal(
      reasonOf(parseProxyHeader(enc.encode(s))),
      "not a PROXY protocol header",
      JSON.stringify(s),
    );
  }
});

test("parseProxyHeader() with one version turned off refuses the other, saying so", () => {
  assert.equal(
    reasonOf(parseProxyHeader(V2, { v2: false })),
    "PROXY v2 header refused: only v1 is accepted here",
  );
  assert.equal(
    reasonOf(parseProxyHeader(V1, { v1: false })),
    "PROXY v1 header refused: only v2 is accepted here",
  );
  assert.equal(
    reasonOf(parseProxyHeader(enc.encode("PRO"), { v1: false })),
    "not a PROXY protocol header",
  );
  assert.equal(parseProxyHeader(V1, { v2: false }).kind, "ok");
  assert.equal(parseProxyHeader(V2, { v1: false }).kind, "ok");
  assert.equal(
    reasonOf(parseProxyHeader(V1, { v1: false, v2: false })),
    "PROXY protocol: both v1 and v2 are disabled",
  );
});

test("parseProxyHeader() reads a view into a larger buffer (byteOffset ≠ 0), CRC32C included", () => {
  const h = buildProxyV2({
    family: "tcp6",
    src: "::1",
    srcPort: 1,
    dst: "::2",
    dstPort: 2,
    crc32c: true,
  });
  const big = new Uint8Array(h.length + 20);
  big.set(h, 10);
  const r = parseProxyHeader(big.subarray(10));
  assert.ok(r.kind === "ok" && r.length === h.length && r.header.dst === "::2");
  const line = buildProxyV1({ family: "tcp6", src: "::1", srcPort: 1, dst: "::2", dstPort: 2 });
  const big1 = new Uint8Array(line.length + 5);
  big1.set(line, 5);
  assert.equal(parseProxyHeader(big1.subarray(5)).kind, "ok");
});
