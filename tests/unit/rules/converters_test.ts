/** Converters: each one's results (HAProxy's documented examples where it has them) and argument checks. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { compileSample, formatRuleError, type Value } from "../../../src/rules/mod.ts";
import { l4Context } from "./context.ts";

const ctx = l4Context();
ctx.vars.set("txn.n", 3);
ctx.vars.set("txn.s", "mid");

function value(text: string): Value | undefined {
  const r = compileSample(text);
  assert.ok(r.ok, r.ok ? "" : formatRuleError(r.error));
  return r.sample.value(ctx);
}

function error(text: string): string {
  const r = compileSample(text);
  assert.ok(!r.ok, `expected an error for ${text}`);
  return formatRuleError(r.error);
}

test("lower, upper and length", () => {
  assert.equal(value("str(AbC),lower"), "abc");
  assert.equal(value("str(AbC),upper"), "ABC");
  assert.equal(value("str(AbC),length"), 3);
  assert.equal(value(`str(""),length`), 0);
});

test("field() counts every field, from either end, with a count (HAProxy's examples)", () => {
  assert.equal(value("str(f1_f2_f3__f5),field(2,_)"), "f2");
  assert.equal(value("str(f1_f2_f3__f5),field(2,_,0)"), "f2_f3__f5");
  assert.equal(value("str(f1_f2_f3__f5),field(2,_,2)"), "f2_f3");
  assert.equal(value("str(f1_f2_f3__f5),field(-2,_,3)"), "f2_f3_");
  assert.equal(value("str(f1_f2_f3__f5),field(-3,_,0)"), "f1_f2_f3");
  assert.equal(value("str(a.b:c),field(3,.:)"), "c", "any of the delimiters");
  assert.equal(value("str(a_b),field(5,_)"), "");
  assert.equal(
    error("str(a),field(0,_)"),
    `converter "field": index must not be 0 (fields count from 1 or -1) at column 14`,
  );
  assert.equal(
    error("str(a),field(1,)"),
    `converter "field": delimiters must not be empty at column 16`,
  );
});

test("word() skips empty fields (HAProxy's examples)", () => {
  assert.equal(value("str(f1_f2_f3__f5),word(4,_)"), "f5");
  assert.equal(value("str(f1_f2_f3__f5),word(2,_,0)"), "f2_f3__f5");
  assert.equal(value("str(f1_f2_f3__f5),word(3,_,2)"), "f3__f5");
  assert.equal(value("str(f1_f2_f3__f5),word(-2,_,3)"), "f1_f2_f3");
  assert.equal(value("str(f1_f2_f3__f5),word(-3,_,0)"), "f1_f2");
  assert.equal(value("str(/f1/f2/f3/f4),word(1,/)"), "f1");
  assert.equal(value("str(/f1//f2/f3),word(3,/,2)"), "f3");
});

test("regsub() replaces the first or every match, with back-references and -i", () => {
  assert.equal(value("str(aXbxc),regsub(x,-)"), "aXb-c");
  assert.equal(value("str(aXbxc),regsub(x,-,ig)"), "a-b-c");
  assert.equal(value(`str(2024-05),regsub("(\\d+)-(\\d+)",\\2/\\1)`), "05/2024");
  assert.equal(value("str(a),regsub(a,$1$)"), "$1$", "a $ in the substitution is literal");
  assert.equal(
    error("str(a),regsub(a,b,x)"),
    `converter "regsub": flags must be "i" and/or "g" at column 19`,
  );
});

test("ipmask() masks IPv4 by length or netmask, IPv6 only with a second mask", () => {
  assert.equal(value("ipv4(192.0.2.77),ipmask(24)"), "192.0.2.0");
  assert.equal(value("ipv4(192.0.2.77),ipmask(255.255.0.0)"), "192.0.0.0");
  assert.equal(value("ipv6(::ffff:10.1.2.3),ipmask(8)"), "10.0.0.0");
  assert.equal(value("ipv6(2001:db8:1:2::1),ipmask(24,48)"), "2001:db8:1::");
  assert.equal(value("ipv6(2001:db8::1),ipmask(24)"), undefined);
  assert.equal(
    error("src,ipmask(33)"),
    `converter "ipmask": mask4 must be an integer from 0 to 32, got "33" at column 12`,
  );
  assert.equal(
    error("src,ipmask(255.0.255.0)"),
    `converter "ipmask": mask4 "255.0.255.0" is not a netmask or 0-32 at column 12`,
  );
});

test("base64, b64dec and hex encode and decode bytes", () => {
  assert.equal(value("str(hi!),base64"), "aGkh");
  assert.deepEqual(value("str(aGkh),b64dec"), Uint8Array.of(0x68, 0x69, 0x21));
  assert.equal(value("str(aGkh),b64dec,base64"), "aGkh");
  assert.equal(value("str(@@),b64dec"), undefined);
  assert.equal(value("bin(00ff10),hex"), "00FF10");
  assert.equal(value("str(Az),hex"), "417A");
});

test("sha2() hashes with 256 bits by default, or 224, 384, 512", () => {
  assert.equal(
    value("str(abc),sha2,hex"),
    "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
  );
  assert.equal((value("str(abc),sha2(224)") as Uint8Array).length, 28);
  assert.equal((value("str(abc),sha2(512)") as Uint8Array).length, 64);
  assert.equal(
    error("str(a),sha2(100)"),
    `converter "sha2": bits must be 224, 256, 384 or 512, got "100" at column 13`,
  );
});

test("url_dec() decodes %XX, and + as a space in a query or with in_form", () => {
  assert.equal(value("str(/a%20b+c),url_dec"), "/a b+c");
  assert.equal(value("str(/a+b?x=1+2),url_dec"), "/a+b?x=1 2");
  assert.equal(value("str(a+b),url_dec(1)"), "a b");
  assert.equal(value("str(caf%E9),url_dec"), "caf\xe9", "bytes as latin1 chars");
  assert.equal(value("str(%zz),url_dec"), undefined);
  assert.equal(value("str(50%),url_dec"), undefined);
});

test("host_only and port_only split a Host value", () => {
  for (
    const [host, name, port] of [
      ["www.example.com:8080", "www.example.com", 8080],
      ["www.example.com", "www.example.com", 0],
      ["127.0.0.1:80", "127.0.0.1", 80],
      ["[::1]:8443", "[::1]", 8443],
      ["[::1]", "[::1]", 0],
    ] as const
  ) {
    assert.equal(value(`str(${host}),host_only`), name, host);
    assert.equal(value(`str(${host}),port_only`), port, host);
  }
});

test("concat() appends a prefix, a variable and a suffix", () => {
  assert.equal(value("str(a),concat(<,txn.s,>)"), "a<mid>");
  assert.equal(value("str(a),concat(-)"), "a-");
  assert.equal(value("str(a),concat(,txn.none,!)"), "a!", "an unset variable is empty");
  assert.match(
    error("str(a),concat(,nope)"),
    /^converter "concat": variable "nope" must be scope.name/,
  );
});

test("add, sub, mul, div and mod take a constant or a variable", () => {
  assert.equal(value("int(7),add(3)"), 10);
  assert.equal(value("int(7),sub(-3)"), 10);
  assert.equal(value("int(7),mul(txn.n)"), 21);
  assert.equal(value("int(7),div(2)"), 3);
  assert.equal(value("int(-7),div(2)"), -3, "truncates toward zero");
  assert.equal(value("int(-1),div(2)"), 0, "never -0");
  assert.equal(value("int(7),mod(txn.n)"), 1);
  assert.equal(value("int(-7),mod(3)"), -1, "the sign of the dividend, as C");
  assert.equal(value("int(-6),mod(3)"), 0, "never -0");
  assert.equal(value("int(-5),mul(0)"), 0, "never -0");
  assert.equal(value("int(7),add(txn.none)"), undefined, "an unset variable fails the sample");
  assert.equal(value("str(5),add(1)"), 6);
  ctx.vars.set("txn.s5", "5");
  assert.equal(value("int(2),mul(txn.s5)"), 10, "a variable holding an integer string");
  assert.equal(
    error("int(1),add(x)"),
    `converter "add": variable "x" must be scope.name with scope proc, sess, txn, req, res ` +
      `at column 12`,
  );
  assert.equal(error("int(1),add"), `converter "add" takes 1 argument (value), got 0 at column 8`);
});

test("div and mod by zero give HAProxy's results: the largest integer, and 0", () => {
  assert.equal(value("int(7),div(0)"), Number.MAX_SAFE_INTEGER);
  assert.equal(value("int(-7),div(0)"), Number.MAX_SAFE_INTEGER);
  assert.equal(value("int(7),mod(0)"), 0);
  ctx.vars.set("txn.zero", 0);
  assert.equal(value("int(7),div(txn.zero)"), Number.MAX_SAFE_INTEGER);
});

test("arithmetic saturates at ±(2^53 − 1), the exact range of JavaScript integers", () => {
  const max = Number.MAX_SAFE_INTEGER;
  ctx.vars.set("txn.big", max - 1);
  ctx.vars.set("txn.small", -(max - 1));
  assert.equal(value("int(5),add(txn.big)"), max);
  assert.equal(value("int(-5),add(txn.small)"), -max);
  assert.equal(value("int(-5),sub(txn.big)"), -max);
  assert.equal(value("int(100000000000000),mul(1000)"), max);
  assert.equal(value("int(-100000000000000),mul(1000)"), -max);
  assert.equal(value("int(999999999999999),mul(9)"), 8999999999999991, "exact below the limit");
});

test("neg and cpl negate and complement", () => {
  assert.equal(value("int(5),neg"), -5);
  assert.equal(value("int(-5),neg"), 5);
  assert.equal(value("int(0),neg"), 0, "never -0");
  assert.equal(value("int(5),cpl"), -6);
  assert.equal(value("int(-1),cpl"), 0);
  assert.equal(value("int(0),cpl"), -1);
});

test("and, or and xor work bitwise on two's complement integers, beyond 32 bits too", () => {
  assert.equal(value("int(12),and(10)"), 8);
  assert.equal(value("int(12),or(10)"), 14);
  assert.equal(value("int(12),xor(10)"), 6);
  assert.equal(value("int(-1),and(255)"), 255);
  assert.equal(value("int(-256),or(15)"), -241);
  assert.equal(value("int(7),and(txn.n)"), 3);
  assert.equal(value("int(4294967296),or(1)"), 4294967297, "2^32 | 1");
  assert.equal(value("int(1099511627775),and(4294967296)"), 4294967296);
  assert.equal(value("int(-4294967296),xor(-1)"), 4294967295);
  assert.equal(value("int(7),xor(txn.none)"), undefined);
});

test("bool, not, odd and even give booleans", () => {
  assert.equal(value("int(3),bool"), true);
  assert.equal(value("int(0),bool"), false);
  assert.equal(value("int(3),not"), false);
  assert.equal(value("int(0),not"), true);
  assert.equal(value("int(3),odd"), true);
  assert.equal(value("int(-3),odd"), true, "negative odd numbers are odd");
  assert.equal(value("int(4),odd"), false);
  assert.equal(value("int(4),even"), true);
  assert.equal(value("int(-4),even"), true);
  assert.equal(value("int(0),even"), true);
  assert.equal(value("int(5),even"), false);
  assert.equal(value("str(12),even"), true, "a string is cast to an integer");
  assert.equal(value("str(x),even"), true, 'HAProxy casts "x" to 0');
});

test("json_query() walks simple paths, as text or as an integer", () => {
  const doc = `str('{"a":{"b":"x","n":42,"f":1.5,"t":true,"l":[1,{"k":"v"}]}}')`;
  const q = (path: string) => value(`${doc},json_query("${path}")`);
  assert.equal(q("$.a.b"), "x");
  assert.equal(q("$.a.n"), "42");
  assert.equal(q("$.a.t"), "true");
  assert.equal(q("$.a.l[1].k"), "v");
  assert.equal(q("$['a']['b']"), "x");
  assert.equal(q("$.a.l"), `[1,{"k":"v"}]`);
  assert.equal(q("$.a.zz"), undefined);
  assert.equal(q("$.a.b[0]"), undefined);
  assert.equal(value(`${doc},json_query($.a.n,int),add(1)`), 43);
  assert.equal(value(`${doc},json_query($.a.f,int)`), undefined);
  assert.equal(value("str(nope),json_query($.a)"), undefined);
  assert.equal(
    error("str(a),json_query(a.b)"),
    `converter "json_query": JSON path "a.b" must start with "$" at column 19`,
  );
  assert.equal(
    error("str(a),json_query($.a,str)"),
    `converter "json_query": type must be "int" when given, got "str" at column 23`,
  );
});
