/** parseProxyV2/buildProxyV2/crc32c: a captured HAProxy header, TLVs, CRC32C, each refusal. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  buildProxyV2,
  crc32c,
  parseProxyV2,
  PROXY_V2_MAX_LENGTH,
  PROXY_V2_SIGNATURE,
} from "../../../src/proxy_protocol/v2.ts";

function hex(s: string): Uint8Array {
  return Uint8Array.from(s.match(/[0-9a-f]{2}/gi) ?? [], (h) => parseInt(h, 16));
}

const SIG = "0d0a0d0a000d0a515549540a";

/** A v2 header from the signature on: `rest` is hex for ver/cmd, family, length and body. */
function v2(rest: string): Uint8Array {
  return hex(SIG + rest);
}

function reason(buf: Uint8Array): string {
  const r = parseProxyV2(buf);
  assert.equal(r.kind, "error", JSON.stringify(r));
  return r.kind === "error" ? r.reason : "";
}

function tlv(type: number, value: Uint8Array): Uint8Array {
  return Uint8Array.of(type, value.length >> 8, value.length & 0xff, ...value);
}

test("crc32c() matches the Castagnoli check value and the empty input", () => {
  assert.equal(crc32c(new TextEncoder().encode("123456789")), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(0)), 0);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeroes
});

test("parseProxyV2() reads a header captured from haproxy send-proxy-v2 (TCP over IPv4)", () => {
  const header = v2("2111000c ac130001 ac130003 a652 0050");
  const request = new TextEncoder().encode("GET / HTTP/1.1\r\n");
  const r = parseProxyV2(Uint8Array.from([...header, ...request]));
  assert.deepEqual(r, {
    kind: "ok",
    length: 28,
    header: {
      version: 2,
      command: "PROXY",
      family: "tcp4",
      src: "172.19.0.1",
      srcPort: 42578,
      dst: "172.19.0.3",
      dstPort: 80,
      tlvs: [],
    },
  });
});

test("parseProxyV2() reads TCP over IPv6 in compressed form", () => {
  const a = "20010db8000000000000000000000001", b = "00000000000000000000ffffc0000201";
  const r = parseProxyV2(v2(`21210024 ${a} ${b} 0001 ffff`));
  assert.ok(r.kind === "ok");
  assert.equal(r.header.family, "tcp6");
  assert.equal(r.header.src, "2001:db8::1");
  assert.equal(r.header.dst, "::ffff:192.0.2.1");
  assert.equal(r.header.srcPort, 1);
  assert.equal(r.header.dstPort, 65535);
});

test("parseProxyV2() gives LOCAL and UNSPEC headers without addresses", () => {
  const local = parseProxyV2(v2("20000000"));
  assert.deepEqual(local, {
    kind: "ok",
    length: 16,
    header: { version: 2, command: "LOCAL", family: "unknown", tlvs: [] },
  });
  // LOCAL ignores the family (even DGRAM) but still skips its address block.
  const localInet = parseProxyV2(v2("2012000c 7f000001 7f000001 0001 0002"));
  assert.ok(localInet.kind === "ok" && localInet.length === 28);
  assert.equal(localInet.header.src, undefined);
  const unspec = parseProxyV2(v2("21000000"));
  assert.ok(unspec.kind === "ok" && unspec.header.family === "unknown");
  const streamUnspec = parseProxyV2(v2("21010000"));
  assert.ok(streamUnspec.kind === "ok" && streamUnspec.header.family === "unknown");
});

test("parseProxyV2() reads UNIX stream paths up to their NUL", () => {
  const path = (s: string) => {
    const b = new Uint8Array(108);
    b.set(new TextEncoder().encode(s));
    return b;
  };
  const body = Uint8Array.from([...path("/run/client.sock"), ...path("x".repeat(108))]);
  const buf = Uint8Array.from([...v2("213100d8"), ...body]);
  const r = parseProxyV2(buf);
  assert.ok(r.kind === "ok");
  assert.equal(r.length, 16 + 216);
  assert.equal(r.header.family, "unix");
  assert.equal(r.header.src, "/run/client.sock");
  assert.equal(r.header.dst, "x".repeat(108));
  assert.equal(r.header.srcPort, undefined);
});

test("parseProxyV2() decodes ALPN and AUTHORITY, skips NOOP, keeps other TLVs in order", () => {
  const enc = new TextEncoder();
  const tlvs = [
    tlv(0x01, enc.encode("h2")),
    tlv(0x04, new Uint8Array(3)),
    tlv(0x20, Uint8Array.of(1, 0, 0, 0, 0)),
    tlv(0x02, enc.encode("example.com")),
    tlv(0xe0, new Uint8Array(0)),
  ].flatMap((t) => [...t]);
  const len = 12 + tlvs.length;
  const buf = Uint8Array.from([
    ...v2(`2111${len.toString(16).padStart(4, "0")} 0a000001 0a000002 0001 0002`),
    ...tlvs,
  ]);
  const r = parseProxyV2(buf);
  assert.ok(r.kind === "ok");
  assert.equal(r.length, 16 + len);
  assert.equal(r.header.alpn, "h2");
  assert.equal(r.header.authority, "example.com");
  assert.deepEqual(r.header.tlvs, [
    { type: 0x20, value: Uint8Array.of(1, 0, 0, 0, 0) },
    { type: 0xe0, value: new Uint8Array(0) },
  ]);
  // Values are copies: reusing the input buffer does not change them.
  buf.fill(0);
  assert.deepEqual(r.header.tlvs[0]?.value, Uint8Array.of(1, 0, 0, 0, 0));
});

test("parseProxyV2() checks a CRC32C TLV over the whole header", () => {
  const built = buildProxyV2({
    family: "tcp4",
    src: "192.0.2.1",
    srcPort: 1,
    dst: "192.0.2.2",
    dstPort: 2,
    authority: "a.example",
    crc32c: true,
  });
  const r = parseProxyV2(built);
  assert.ok(r.kind === "ok" && r.header.authority === "a.example" && r.header.tlvs.length === 0);
  const flipped = built.slice();
  flipped[19] = flipped[19]! ^ 1; // last byte of the source address
  assert.match(
    reason(flipped),
    /^PROXY v2: CRC32C mismatch \(header says 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\)$/,
  );
  const three = Uint8Array.from([
    ...v2("21110012 01020304 05060708 0001 0002"),
    ...tlv(3, Uint8Array.of(1, 2, 3)),
  ]);
  assert.equal(reason(three), "PROXY v2: CRC32C TLV of 3 bytes at byte 28 (expected 4)");
});

test("parseProxyV2() refuses each malformed header with a reason naming what and where", () => {
  const cases: [Uint8Array, string][] = [
    [v2("3111000c"), "PROXY v2: unknown version/command 0x31"],
    [v2("22"), "PROXY v2: unknown version/command 0x22"],
    [v2("1f"), "PROXY v2: unknown version/command 0x1f"],
    [v2("2141"), "PROXY v2: unknown family/transport 0x41"],
    [v2("2113"), "PROXY v2: unknown family/transport 0x13"],
    [v2("2112"), "PROXY v2: DGRAM transport 0x12 refused (only STREAM is proxied)"],
    [v2("2132"), "PROXY v2: DGRAM transport 0x32 refused (only STREAM is proxied)"],
    [v2("2111000b"), "PROXY v2: length 11 too short for the AF_INET addresses (12 bytes)"],
    [v2("2121000c"), "PROXY v2: length 12 too short for the AF_INET6 addresses (36 bytes)"],
    [v2("21310064"), "PROXY v2: length 100 too short for the AF_UNIX addresses (216 bytes)"],
    [v2("20110000"), "PROXY v2: length 0 too short for the AF_INET addresses (12 bytes)"],
    [v2("21110ff1"), "PROXY v2: header of 4097 bytes exceeds the 4096-byte cap"],
    [v2("2111ffff"), "PROXY v2: header of 65551 bytes exceeds the 4096-byte cap"],
    [
      v2("2100000e e00010 0000000000000000000000"),
      "PROXY v2: TLV 0xe0 at byte 16 runs past the header end (length 16, 11 bytes left)",
    ],
    [v2("21000002 e000"), "PROXY v2: truncated TLV header at byte 16 (2 left)"],
    [
      v2("2111000e 01020304 05060708 0001 0002 0100"),
      "PROXY v2: truncated TLV header at byte 28 (2 left)",
    ],
    [hex("0d0a0d0a000d0a5155495420"), "not a PROXY protocol header"],
    [hex("0d0a0d0a01"), "not a PROXY protocol header"],
    [new TextEncoder().encode("PROXY "), "not a PROXY protocol header"],
  ];
  for (const [buf, why] of cases) assert.equal(reason(buf), why);
});

test("parseProxyV2() says incomplete for every prefix of a valid header", () => {
  const h = buildProxyV2({
    family: "tcp6",
    src: "2001:db8::1",
    srcPort: 1,
    dst: "2001:db8::2",
    dstPort: 2,
    alpn: "http/1.1",
    tlvs: [{ type: 0xe1, value: Uint8Array.of(9, 9) }],
    crc32c: true,
  });
  for (let k = 0; k < h.length; k++) {
    assert.deepEqual(parseProxyV2(h.subarray(0, k)), { kind: "incomplete" }, `prefix ${k}`);
  }
  assert.equal(parseProxyV2(h).kind, "ok");
});

test("buildProxyV2() writes the bytes HAProxy sends", () => {
  const h = buildProxyV2({
    family: "tcp4",
    src: "172.19.0.1",
    srcPort: 42578,
    dst: "172.19.0.3",
    dstPort: 80,
  });
  assert.deepEqual(h, v2("2111000c ac130001 ac130003 a652 0050"));
  assert.deepEqual(buildProxyV2({ command: "LOCAL", family: "tcp4", src: "x" }), v2("20000000"));
  assert.deepEqual(buildProxyV2({ family: "unknown" }), v2("21000000"));
  assert.deepEqual(buildProxyV2({ family: "unknown", alpn: "h2" }), v2("21000005 010002 6832"));
  assert.deepEqual(h.subarray(0, 12), PROXY_V2_SIGNATURE);
});

test("buildProxyV2() sends mixed families as TCP over IPv6 with ::ffff:a.b.c.d", () => {
  const h = buildProxyV2({
    family: "tcp4",
    src: "192.0.2.1",
    srcPort: 1,
    dst: "2001:db8::1",
    dstPort: 2,
  });
  assert.equal(h[13], 0x21);
  const r = parseProxyV2(h);
  assert.ok(
    r.kind === "ok" && r.header.src === "::ffff:192.0.2.1" && r.header.dst === "2001:db8::1",
  );
});

test("buildProxyV2() refuses what it cannot send, naming it", () => {
  const base = {
    family: "tcp4",
    src: "192.0.2.1",
    srcPort: 1,
    dst: "192.0.2.2",
    dstPort: 2,
  } as const;
  assert.throws(
    () => buildProxyV2({ ...base, dstPort: -1 }),
    /buildProxyV2: bad destination port -1/,
  );
  assert.throws(
    () => buildProxyV2({ ...base, authority: "a".repeat(256) }),
    /authority of 256 bytes/,
  );
  assert.throws(
    () => buildProxyV2({ ...base, tlvs: [{ type: 1, value: new Uint8Array(0) }] }),
    /bad TLV type 1/,
  );
  assert.throws(
    () => buildProxyV2({ ...base, tlvs: [{ type: 256, value: new Uint8Array(0) }] }),
    /bad TLV type 256/,
  );
  assert.throws(
    () =>
      buildProxyV2({ ...base, tlvs: [{ type: 0xe0, value: new Uint8Array(PROXY_V2_MAX_LENGTH) }] }),
    /header of 4127 bytes exceeds 4096/,
  );
  assert.throws(
    () => buildProxyV2({ family: "unix", src: "/a", dst: "b".repeat(109) }),
    /bad destination path/,
  );
  assert.throws(
    () => buildProxyV2({ family: "unix", src: "a\0b", dst: "/b" }),
    /bad source path "a\\u0000b"/,
  );
});

test("buildProxyV2() round-trips UNIX paths of up to 108 bytes", () => {
  const r = parseProxyV2(
    buildProxyV2({ family: "unix", src: "/tmp/é.sock", dst: "d".repeat(108) }),
  );
  assert.ok(r.kind === "ok" && r.header.family === "unix");
  assert.equal(r.header.src, "/tmp/é.sock");
  assert.equal(r.header.dst, "d".repeat(108));
});
