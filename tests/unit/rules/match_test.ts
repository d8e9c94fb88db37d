/** compileMatcher(): each matching method, -i per pattern, pattern errors. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  compileMatcher,
  defaultMatch,
  type MatchMethod,
  type Pattern,
  type Value,
} from "../../../src/rules/mod.ts";

function pats(list: string, icase = false): Pattern[] {
  return list.split(" ").filter((t) => t !== "").map((text, i) => ({
    text,
    column: 10 + i,
    icase,
  }));
}

function compiled(method: MatchMethod, patterns: Pattern[]): (v: Value) => boolean {
  const r = compileMatcher(method, patterns);
  assert.ok(r.ok, r.ok ? "" : r.error.message);
  return r.match;
}

function matcher(method: MatchMethod, list: string, icase = false): (v: Value) => boolean {
  return compiled(method, pats(list, icase));
}

function error(method: MatchMethod, patterns: Pattern[]): string {
  const r = compileMatcher(method, patterns);
  return r.ok ? "no error" : `${r.error.message} @${r.error.column}`;
}

test("defaultMatch() follows the sample type as HAProxy does", () => {
  assert.equal(defaultMatch("str"), "str");
  assert.equal(defaultMatch("int"), "int");
  assert.equal(defaultMatch("ip"), "ip");
  assert.equal(defaultMatch("bool"), "bool");
  assert.equal(defaultMatch("bin"), "bin");
});

test("str matches exactly, -i ignoring case, per pattern", () => {
  const m = matcher("str", "GET HEAD");
  assert.equal(m("GET"), true);
  assert.equal(m("get"), false);
  assert.equal(m("GETX"), false);
  const mixed = compiled("str", [...pats("Abc"), ...pats("dEf", true)]);
  assert.equal(mixed("Abc"), true);
  assert.equal(mixed("abc"), false);
  assert.equal(mixed("DEF"), true);
});

test("beg, end and sub match prefixes, suffixes and substrings", () => {
  assert.equal(matcher("beg", "/api /static")("/static/x"), true);
  assert.equal(matcher("beg", "/api")("/ap"), false);
  assert.equal(matcher("end", ".jpg .png")("/a.png"), true);
  assert.equal(matcher("end", ".jpg", true)("/A.JPG"), true);
  assert.equal(matcher("sub", "bot")("Googlebot/2"), true);
  assert.equal(matcher("sub", "BOT")("Googlebot/2"), false);
  assert.equal(matcher("sub", "BOT", true)("Googlebot/2"), true);
});

test("reg matches regular expressions, -i adding the i flag", () => {
  assert.equal(matcher("reg", "^/v[0-9]+/")("/v2/users"), true);
  assert.equal(matcher("reg", "^/V2")("/v2"), false);
  assert.equal(matcher("reg", "^/V2", true)("/v2"), true);
  assert.match(error("reg", pats("(")), /^pattern "\(" is not a valid regex: .* @10$/);
});

test("dir matches whole slash-delimited parts, dom whole dot-delimited ones", () => {
  const dir = matcher("dir", "img /static/");
  assert.equal(dir("/img/a.png"), true);
  assert.equal(dir("/a/static"), true);
  assert.equal(dir("/imgs/a.png"), false);
  assert.equal(dir("/x?img"), true, "? delimits too");
  const dom = matcher("dom", "example.com");
  assert.equal(dom("www.example.com"), true);
  assert.equal(dom("example.com:8080"), true);
  assert.equal(dom("badexample.com"), false);
  assert.equal(dom("example.community"), false);
  assert.equal(matcher("dom", ".COM", true)("a.com"), true);
});

test("len matches a string's length with integer patterns", () => {
  assert.equal(matcher("len", "3")("abc"), true);
  assert.equal(matcher("len", "gt 3")("abc"), false);
  assert.equal(matcher("len", ":2 10:")("abcdefghij"), true);
});

test("int matches values, ranges and comparisons", () => {
  const m = matcher("int", "80 8000:8099 gt 60000");
  for (const [n, want] of [[80, true], [81, false], [8050, true], [60000, false], [60001, true]]) {
    assert.equal(m(n!), want, String(n));
  }
  assert.equal(matcher("int", "eq 5")(5), true);
  assert.equal(matcher("int", "ge 5")(5), true);
  assert.equal(matcher("int", "le 5")(6), false);
  assert.equal(matcher("int", "lt 5")(4), true);
  assert.equal(matcher("int", ":10")(-3), true);
  assert.equal(matcher("int", "-5")(-5), true);
  assert.equal(
    error("int", pats("abc")),
    `pattern "abc" is not an integer, range or comparison @10`,
  );
  assert.equal(error("int", pats("1 gt")), `pattern "gt" needs a value after it @11`);
  assert.equal(error("int", pats(":")), `pattern ":" is not an integer, range or comparison @10`);
});

test("ip matches addresses and networks, IPv4, IPv6 and mapped IPv4", () => {
  const m = matcher("ip", "10.0.0.0/8 192.168.1.1 2001:db8::/32 172.16.0.0/255.240.0.0");
  assert.equal(m("10.2.3.4"), true);
  assert.equal(m("::ffff:10.2.3.4"), true);
  assert.equal(m("192.168.1.1"), true);
  assert.equal(m("192.168.1.2"), false);
  assert.equal(m("2001:db8:ff::1"), true);
  assert.equal(m("2001:db9::1"), false);
  assert.equal(m("172.31.255.255"), true);
  assert.equal(m("172.32.0.0"), false);
  assert.equal(matcher("ip", "::ffff:10.0.0.0/104")("10.9.9.9"), true);
  for (const bad of ["10.0.0.0/33", "host.example", "1.2.3.4/255.0.255.0", "::/129"]) {
    assert.equal(error("ip", pats(bad)), `pattern "${bad}" is not an IP address or network @10`);
  }
});

test("bin matches bytes written in hex", () => {
  const m = matcher("bin", "0a0B ff");
  assert.equal(m(Uint8Array.of(10, 11)), true);
  assert.equal(m(Uint8Array.of(255)), true);
  assert.equal(m(Uint8Array.of(10)), false);
  assert.equal(error("bin", pats("abc")), `pattern "abc" is not an even number of hex digits @10`);
});

test("found and bool take no patterns; bool matches true", () => {
  assert.equal(matcher("found", "")(""), true);
  assert.equal(matcher("bool", "")(true), true);
  assert.equal(matcher("bool", "")(false), false);
  assert.equal(
    error("bool", pats("1")),
    `pattern "1" is not expected: matching "bool" takes no patterns @10`,
  );
});

test("errors for file patterns name the file and line", () => {
  const p: Pattern = { text: "x", column: 5, icase: false, origin: "nets.lst:3" };
  assert.equal(error("ip", [p]), `pattern "x" (nets.lst:3) is not an IP address or network @5`);
});
