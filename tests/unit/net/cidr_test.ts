/** cidrMatcher(): IPv4, IPv6 and mapped addresses against networks. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { cidrMatcher, parseIp } from "../../../src/net/cidr.ts";

test("cidrMatcher() matches IPv4 networks and mapped IPv4 addresses", () => {
  const m = cidrMatcher("127.0.0.0/8");
  assert.equal(m("127.1.2.3"), true);
  assert.equal(m("::ffff:127.0.0.1"), true);
  assert.equal(m("128.0.0.1"), false);
  assert.equal(m("not an ip"), false);
  assert.equal(cidrMatcher("10.1.2.3")("10.1.2.3"), true);
  assert.equal(cidrMatcher("10.1.2.0/23")("10.1.3.255"), true);
  assert.equal(cidrMatcher("10.1.2.0/23")("10.1.4.0"), false);
  assert.equal(cidrMatcher("0.0.0.0/0")("8.8.8.8"), true);
});

test("cidrMatcher() matches IPv6 networks", () => {
  assert.equal(cidrMatcher("::1/128")("::1"), true);
  assert.equal(cidrMatcher("::1")("::2"), false);
  assert.equal(cidrMatcher("2001:db8::/32")("2001:db8:ffff::1"), true);
  assert.equal(cidrMatcher("2001:db8::/33")("2001:db8:8000::1"), false);
});

test("cidrMatcher() refuses what is not a network, naming it", () => {
  for (const bad of ["10.0.0.0/33", "300.1.1.1", "abc", "10.0.0.0/8/1", "::1/129"]) {
    assert.throws(() => cidrMatcher(bad), new RegExp(bad.replace(/[./]/g, "\\$&")));
  }
});

test("parseIp() reads full, compressed and dotted-tail IPv6", () => {
  assert.deepEqual(parseIp("::"), new Uint8Array(16));
  assert.equal(parseIp("1:2:3:4:5:6:7:8")![15], 8);
  assert.equal(parseIp("::ffff:1.2.3.4")![15], 4);
  assert.equal(parseIp("1:2:3:4:5:6:7:8:9"), null);
});
