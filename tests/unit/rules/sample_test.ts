/** compileSample(): expression syntax, arguments, type checks between steps, values and iteration. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  compileSample,
  formatRuleError,
  type SampleContext,
  type SampleExpr,
  type Value,
} from "../../../src/rules/mod.ts";
import { requestContext } from "./context.ts";

function sample(text: string): SampleExpr {
  const r = compileSample(text);
  assert.ok(r.ok, r.ok ? "" : formatRuleError(r.error));
  return r.sample;
}

/** The value of `text` in `ctx`. */
function valueOf(text: string, ctx: SampleContext): Value | undefined {
  return sample(text).value(ctx);
}

function error(text: string): string {
  const r = compileSample(text);
  assert.ok(!r.ok, `expected an error for ${text}`);
  return formatRuleError(r.error);
}

const ctx = requestContext("GET /A/b?x=1 HTTP/1.1\nHost: Example.com\nX-T: One, Two\nX-T: three\n");

test("compileSample() chains converters left to right and reports the final type", () => {
  const s = sample("hdr(host),lower,length");
  assert.equal(s.type, "int");
  assert.equal(s.fetch, "hdr");
  assert.equal(s.needs, "http-req");
  assert.equal(s.value(ctx), 11);
  assert.equal(valueOf("path,lower,regsub(/,_,g)", ctx), "_a_b");
});

test("compileSample() value() gives a multi-valued fetch's last occurrence, test() tries each", () => {
  const s = sample("hdr(x-t),upper");
  assert.equal(s.value(ctx), "THREE");
  const seen: Value[] = [];
  const anyTwo = s.test((v) => (seen.push(v), v === "TWO"));
  assert.equal(anyTwo(ctx), true);
  assert.deepEqual(seen, ["ONE", "TWO"], "stops at the first match");
  assert.equal(s.test((v) => v === "FOUR")(ctx), false);
  assert.equal(sample("hdr(nope)").test(() => true)(ctx), false, "no value: no match");
});

test("compileSample() fails the sample when a converter cannot convert", () => {
  assert.equal(valueOf("hdr(host),b64dec", ctx), undefined);
  assert.equal(sample("hdr(host),b64dec").test(() => true)(ctx), false);
});

test("compileSample() casts between steps where allowed", () => {
  assert.equal(valueOf("src_port,length", ctx), 5, "int to str");
  assert.equal(valueOf("str(42),add(1)", ctx), 43, "str to int");
  assert.equal(valueOf("str(x),add(1)", ctx), 1, "a string without digits casts to 0, as HAProxy");
  assert.equal(valueOf("str(7b),add(1)", ctx), 8, "the leading integer, as HAProxy");
  assert.equal(valueOf("src,hex", ctx), "C000020A", "ip to bin: the address bytes");
  assert.equal(valueOf("str(10.1.2.3),ipmask(8)", ctx), "10.0.0.0", "str to ip");
  assert.equal(
    valueOf("str(abc),sha2,base64", ctx),
    "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=",
  );
});

test("compileSample() refuses a converter whose input type does not fit, naming both", () => {
  assert.equal(
    error("src,lower"),
    `converter "lower" expects a string but "src" gives an ip at column 5`,
  );
  assert.equal(
    error("path,length,ipmask(8)"),
    `converter "ipmask" expects an ip but "path,length" gives an integer at column 13`,
  );
  assert.equal(
    error("int(1),ipmask(8)"),
    `converter "ipmask" expects an ip but "int(1)" gives an integer at column 8`,
  );
});

test("compileSample() refuses unknown keywords with a suggestion within two edits", () => {
  assert.equal(error("pth"), `unknown fetch "pth" at column 1 (did you mean "path"?)`);
  assert.equal(error("path,lowr"), `unknown converter "lowr" at column 6 (did you mean "lower"?)`);
  assert.equal(error("zzzzzz"), `unknown fetch "zzzzzz" at column 1`);
});

test("compileSample() checks the number of arguments", () => {
  assert.equal(error("path(1)"), `fetch "path" takes no arguments, got 1 at column 6`);
  assert.equal(
    error("path,field(1)"),
    `converter "field" takes 2 to 3 arguments (index, delimiters, count), got 1 at column 6`,
  );
  assert.equal(error("env"), `fetch "env" takes 1 argument (name), got 0 at column 1`);
  assert.equal(
    error("hdr(a,1,2)"),
    `fetch "hdr" takes 0 to 2 arguments (name, occ), got 3 at column 9`,
  );
  assert.equal(valueOf("path,lower()", ctx), "/a/b", "() is no arguments");
});

test("compileSample() points argument errors at the argument", () => {
  assert.equal(
    error("hdr(x,abc)"),
    `fetch "hdr": occurrence must be an integer, got "abc" at column 7`,
  );
  assert.match(
    error("path,regsub([,x)"),
    /^converter "regsub": invalid regex "\[": .* at column 13$/,
  );
});

test("compileSample() reads arguments with nested parentheses, quotes and escaped commas", () => {
  assert.equal(valueOf("str(a\\,b),regsub((a|b),x,g)", ctx), "x,x");
  assert.equal(valueOf(`str(a1b),regsub("[0-9]{1,3}",-)`, ctx), "a-b");
  assert.equal(valueOf(`str(x),concat(\\,\\),)`, ctx), "x,)");
  assert.equal(valueOf(`str(a.b),regsub(\\.,_)`, ctx), "a_b", "other backslashes reach the regex");
});

test("compileSample() refuses malformed expressions", () => {
  assert.equal(error("path,"), `expected a keyword in sample expression "path," at column 6`);
  assert.equal(error("hdr(host"), `missing ")" after the arguments of "hdr" at column 4`);
  assert.equal(error("path x"), `unexpected " " after "path" in "path x" at column 5`);
  assert.equal(
    error(",path"),
    `expected a keyword, not "," in sample expression ",path" at column 1`,
  );
});

test("compileSample() takes a Word so columns point into the whole line", () => {
  const r = compileSample({ text: "path,lowr", column: 30 });
  assert.ok(!r.ok);
  assert.equal(r.error.column, 35);
  assert.equal(r.error.word, "lowr");
});
