/** src/net/ip.ts: IPv4/IPv6 text parsing (strict and lenient forms) and formatting, table-driven. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  formatIP,
  formatIPv4,
  formatIPv6,
  ipv4Bytes,
  isMappedIPv4,
  LENIENT,
  mapIPv4,
  mappedIPv4,
  parseIP,
  parseIPv4,
  parseIPv6,
} from "../../../src/net/ip.ts";

const V4_VALID: [string, number][] = [
  ["0.0.0.0", 0],
  ["127.0.0.1", 0x7f000001],
  ["192.0.2.255", 0xc00002ff],
  ["255.255.255.255", 0xffffffff],
  ["10.100.0.9", 0x0a640009],
];

const V4_INVALID = [
  "",
  "1.2.3",
  "1.2.3.4.5",
  "1.2.3.",
  ".1.2.3",
  "1..2.3",
  "256.1.1.1",
  "1.1.1.999",
  "1.1.1.-1",
  "1.1.1.1 ",
  " 1.1.1.1",
  "1.1.1.a",
  "1.1.1.1000",
  "0x1.1.1.1",
  "::1",
  "１.2.3.4", // a fullwidth digit
];

/** Heading zeroes: refused by default (inet_pton, PROXY v1), read as decimal when LENIENT. */
const V4_ZEROS: [string, number][] = [
  ["010.0.0.1", 0x0a000001],
  ["00.0.0.0", 0],
  ["1.2.3.04", 0x01020304],
  ["001.002.003.004", 0x01020304],
];

test("parseIPv4() reads dotted quads as 32-bit numbers", () => {
  for (const [text, want] of V4_VALID) {
    assert.equal(parseIPv4(text), want, text);
    assert.equal(parseIPv4(text, LENIENT), want, text);
  }
});

test("parseIPv4() refuses what is not a dotted quad", () => {
  for (const text of V4_INVALID) {
    assert.equal(parseIPv4(text), null, text);
    assert.equal(parseIPv4(text, LENIENT), null, text);
  }
});

test("parseIPv4() accepts heading zeroes only when asked", () => {
  for (const [text, want] of V4_ZEROS) {
    assert.equal(parseIPv4(text), null, text);
    assert.equal(parseIPv4(text, LENIENT), want, text);
  }
});

/** Text, then the 8 groups it stands for. */
const V6_VALID: [string, number[]][] = [
  ["::", [0, 0, 0, 0, 0, 0, 0, 0]],
  ["::1", [0, 0, 0, 0, 0, 0, 0, 1]],
  ["1::", [1, 0, 0, 0, 0, 0, 0, 0]],
  ["1:2:3:4:5:6:7:8", [1, 2, 3, 4, 5, 6, 7, 8]],
  ["2001:DB8::1", [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]],
  ["1:2:3:4:5:6:7::", [1, 2, 3, 4, 5, 6, 7, 0]],
  ["::2:3:4:5:6:7:8", [0, 2, 3, 4, 5, 6, 7, 8]],
  ["0000:0000:0000:0000:0000:0000:0000:0001", [0, 0, 0, 0, 0, 0, 0, 1]],
  ["::ffff:1.2.3.4", [0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]],
  ["::1.2.3.4", [0, 0, 0, 0, 0, 0, 0x0102, 0x0304]],
  ["1:2:3:4:5:6:1.2.3.4", [1, 2, 3, 4, 5, 6, 0x0102, 0x0304]],
  ["64:ff9b::192.0.2.33", [0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x0221]],
];

const V6_INVALID = [
  "",
  ":",
  ":::",
  "1:2:3:4:5:6:7",
  "1:2:3:4:5:6:7:8:9",
  "1::2:3:4:5:6:7:8",
  "1:2:3:4:5:6:7::8:9",
  "12345::",
  "g::",
  "::1:",
  ":1::",
  "1::2::3",
  "::1.2.3",
  "::256.1.1.1",
  "1.2.3.4::",
  "1.2.3.4::5",
  "1::1.2.3.4:5",
  "1:2:3:4:5:6:7:1.2.3.4",
  " ::1",
  "::1 ",
  "1.2.3.4",
  "::1%lo",
];

function groupsOf(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < 16; i += 2) out.push((b[i]! << 8) | b[i + 1]!);
  return out;
}

test("parseIPv6() reads full, compressed and dotted-tail forms as 16 bytes", () => {
  for (const [text, want] of V6_VALID) {
    const b = parseIPv6(text);
    assert.ok(b, text);
    assert.deepEqual(groupsOf(b), want, text);
    assert.deepEqual(parseIPv6(text, LENIENT), b, text);
  }
});

test("parseIPv6() refuses what is not an IPv6 address", () => {
  for (const text of V6_INVALID) {
    assert.equal(parseIPv6(text), null, text);
    assert.equal(parseIPv6(text, LENIENT), null, text);
  }
});

test("parseIPv6() reads a dotted tail with heading zeroes only when asked", () => {
  assert.equal(parseIPv6("::ffff:01.2.3.4"), null);
  assert.deepEqual(parseIPv6("::ffff:01.2.3.4", LENIENT), parseIPv6("::ffff:1.2.3.4"));
});

test("parseIPv6() takes a zone id only when asked, and leaves it out of the bytes", () => {
  for (const text of ["fe80::1%eth0", "fe80::1%25", "::1%a.b-c:d"]) {
    assert.equal(parseIPv6(text), null, text);
    assert.deepEqual(parseIPv6(text, { zone: true }), parseIPv6(text.slice(0, text.indexOf("%"))));
  }
  for (const text of ["fe80::1%", "fe80::1%eth0%1", "fe80::1%eth 0", "1.2.3.4%eth0"]) {
    assert.equal(parseIPv6(text, { zone: true }), null, text);
  }
});

test("parseIP() reads either family, IPv4 as IPv4-mapped IPv6", () => {
  assert.deepEqual(parseIP("1.2.3.4"), parseIPv6("::ffff:1.2.3.4"));
  assert.deepEqual(parseIP("2001:db8::1"), parseIPv6("2001:db8::1"));
  assert.equal(parseIP("010.1.1.1"), null);
  assert.deepEqual(parseIP("010.1.1.1", LENIENT), parseIP("10.1.1.1"));
  for (const text of ["", "abc", "1.2.3", "1:2"]) assert.equal(parseIP(text, LENIENT), null, text);
});

test("ipv4Bytes(), mappedIPv4(), mapIPv4() and isMappedIPv4() agree", () => {
  const n = parseIPv4("192.0.2.1")!;
  assert.deepEqual(ipv4Bytes(n), Uint8Array.of(192, 0, 2, 1));
  assert.deepEqual(mappedIPv4(n), parseIPv6("::ffff:192.0.2.1"));
  assert.deepEqual(mapIPv4(ipv4Bytes(n)), mappedIPv4(n));
  assert.equal(mapIPv4(mappedIPv4(n)).length, 16);
  assert.equal(isMappedIPv4(mappedIPv4(n)), true);
  assert.equal(isMappedIPv4(ipv4Bytes(n)), false);
  assert.equal(isMappedIPv4(parseIPv6("::1")!), false);
});

test("formatIPv6() writes RFC 5952 text; formatIP() writes mapped IPv4 as a dotted quad", () => {
  const cases: [string, string, string][] = [
    ["::", "::", "::"],
    ["0:0:0:0:0:0:0:1", "::1", "::1"],
    ["2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1", "2001:db8::1:0:0:1"], // first of two runs
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"], // one zero stays
    ["1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7:0"],
    ["0:0:0:0:0:ffff:c000:0201", "::ffff:192.0.2.1", "192.0.2.1"],
    ["::1.2.3.4", "::102:304", "::102:304"],
  ];
  for (const [text, v6, either] of cases) {
    const b = parseIPv6(text)!;
    assert.equal(formatIPv6(b), v6, text);
    assert.equal(formatIP(b), either, text);
  }
  const buf = Uint8Array.of(9, 9, ...parseIPv6("2001:db8::7")!);
  assert.equal(formatIPv6(buf, 2), "2001:db8::7");
  assert.equal(formatIPv4(Uint8Array.of(9, 10, 0, 0, 1), 1), "10.0.0.1");
});
