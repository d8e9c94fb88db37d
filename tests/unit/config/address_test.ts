/** Tests for parseAddress / formatAddress. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatAddress, parseAddress } from "../../../src/config/address.ts";

test("parseAddress() reads IPv4, hostnames and bracketed IPv6", () => {
  assert.deepEqual(parseAddress("127.0.0.1:7000", "server"), { host: "127.0.0.1", port: 7000 });
  assert.deepEqual(parseAddress("db-1.internal:5432", "server"), {
    host: "db-1.internal",
    port: 5432,
  });
  assert.deepEqual(parseAddress("[::1]:8080", "bind"), { host: "::1", port: 8080 });
  assert.deepEqual(parseAddress("[2001:db8::5]:443", "server"), { host: "2001:db8::5", port: 443 });
});

test("parseAddress() lets a bind ask for port 0 and any address", () => {
  assert.deepEqual(parseAddress("127.0.0.1:0", "bind"), { host: "127.0.0.1", port: 0 });
  assert.deepEqual(parseAddress("*:80", "bind"), { host: "0.0.0.0", port: 80 });
  assert.deepEqual(parseAddress(":80", "bind"), { host: "0.0.0.0", port: 80 });
});

test("parseAddress() refuses port 0 and a missing host for a server", () => {
  assert.throws(() => parseAddress("127.0.0.1:0", "server"), {
    name: "RangeError",
    message: 'port 0 in "127.0.0.1:0" is out of range 1-65535',
  });
  assert.throws(() => parseAddress(":80", "server"), /expected host:port, got ":80"/);
});

test("parseAddress() explains malformed addresses", () => {
  assert.throws(() => parseAddress("foo", "server"), {
    name: "TypeError",
    message: 'expected host:port, got "foo"',
  });
  assert.throws(() => parseAddress("127.0.0.1:70000", "bind"), /out of range 0-65535/);
  assert.throws(() => parseAddress("127.0.0.1:http", "bind"), /"http" is not a port number/);
  assert.throws(() => parseAddress("::1:80", "bind"), /IPv6 address in brackets/);
  assert.throws(() => parseAddress("[zz::1]:80", "bind"), /not an IPv6 address/);
  assert.throws(() => parseAddress("300.1.1.1:80", "bind"), /not an IPv4 address/);
  assert.throws(() => parseAddress("bad host:80", "bind"), /not a valid host name/);
  assert.throws(() => parseAddress("[::1]80", "bind"), /expected host:port/);
});

test("formatAddress() brackets IPv6 hosts", () => {
  assert.equal(formatAddress({ host: "::1", port: 80 }), "[::1]:80");
  assert.equal(formatAddress({ host: "10.0.0.1", port: 80 }), "10.0.0.1:80");
});
