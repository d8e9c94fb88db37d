/** parseBalance(): HAProxy's balance syntax into specs, and errors that name the offending word. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseBalance } from "../../../src/lb/parse.ts";
import { needsOf } from "../../../src/lb/registry.ts";

function spec(text: string): unknown {
  const parsed = parseBalance(text);
  if (!parsed.ok) assert.fail(`"${text}": ${parsed.error}`);
  return parsed.spec;
}

function error(text: string): string {
  const parsed = parseBalance(text);
  if (parsed.ok) assert.fail(`"${text}" was accepted`);
  return parsed.error;
}

test("parseBalance() reads the algorithms without arguments", () => {
  for (const name of ["roundrobin", "static-rr", "leastconn", "first", "source"]) {
    assert.deepEqual(spec(name), { name });
  }
  assert.deepEqual(spec("  leastconn  "), { name: "leastconn" });
});

test("parseBalance() reads uri options in any order", () => {
  assert.deepEqual(spec("uri"), { name: "uri", len: 0, depth: 0, whole: false, pathOnly: false });
  assert.deepEqual(spec("uri len 20 depth 3 whole path-only"), {
    name: "uri",
    len: 20,
    depth: 3,
    whole: true,
    pathOnly: true,
  });
  assert.deepEqual(spec("uri  whole   depth 1"), {
    name: "uri",
    len: 0,
    depth: 1,
    whole: true,
    pathOnly: false,
  });
});

test("parseBalance() reads url_param, hdr, random and hash", () => {
  assert.deepEqual(spec("url_param userid"), { name: "url_param", param: "userid" });
  assert.deepEqual(spec("hdr(Host) use_domain_only"), {
    name: "hdr",
    header: "host",
    useDomainOnly: true,
  });
  assert.deepEqual(spec("hdr(x-user)"), { name: "hdr", header: "x-user", useDomainOnly: false });
  assert.deepEqual(spec("random"), { name: "random", draws: 2 });
  assert.deepEqual(spec("random(3)"), { name: "random", draws: 3 });
  assert.deepEqual(spec("hash path"), { name: "hash", fetch: "path" });
  assert.deepEqual(spec("hash src"), { name: "hash", fetch: "src" });
  assert.deepEqual(spec("hash uri"), { name: "hash", fetch: "uri" });
  assert.deepEqual(spec("hash hdr(X-Id)"), { name: "hash", fetch: "hdr", arg: "x-id" });
  assert.deepEqual(spec("hash url_param(user)"), { name: "hash", fetch: "url_param", arg: "user" });
});

test("parseBalance() errors name the offending word", () => {
  assert.equal(
    error("randomly"),
    'unknown balance algorithm "randomly" (known: roundrobin, static-rr, leastconn, first, ' +
      "source, uri, url_param, hdr, random, hash)",
  );
  assert.match(error(""), /^balance is empty/);
  assert.equal(error("leastconn fast"), 'leastconn takes no option, got "fast"');
  assert.equal(error("first(2)"), 'first takes no argument, got "(2)"');
  assert.equal(error("uri len"), 'uri: "len" needs a whole number of at least 1, got nothing');
  assert.equal(error("uri depth x"), 'uri: "depth" needs a whole number of at least 1, got "x"');
  assert.equal(error("uri len 0"), 'uri: "len" needs a whole number of at least 1, got "0"');
  assert.match(error("uri wholes"), /^uri: unknown option "wholes" \(expected uri \[len N\]/);
  assert.equal(error("url_param"), "url_param needs a parameter name: url_param NAME");
  assert.match(error("url_param id check_post"), /"check_post" is not supported/);
  assert.equal(error("url_param id other"), 'url_param takes one name, got also "other"');
  assert.equal(error("hdr"), "hdr needs a header name in parentheses: hdr(NAME)");
  assert.equal(error("hdr()"), "hdr needs a header name in parentheses: hdr(NAME)");
  assert.equal(error("hdr(a b)"), 'unbalanced parentheses in "hdr(a"');
  assert.equal(
    error("hdr(host) domain_only"),
    'hdr: unknown option "domain_only" (expected use_domain_only)',
  );
  assert.equal(error("hdr(ho@st)"), 'hdr: "ho@st" is not a header name');
  assert.equal(
    error("random(0)"),
    'random: the number of draws must be a whole number from 1 to 100, got "0"',
  );
  assert.equal(
    error("random(x)"),
    'random: the number of draws must be a whole number from 1 to 100, got "x"',
  );
  assert.equal(error("random 3"), 'random takes no option, got "3"');
  assert.match(error("hash"), /^hash needs an expression: src, path/);
  assert.equal(error("hash path src"), 'hash takes one expression, got also "src"');
  assert.match(error("hash cookie(id)"), /^hash: unknown expression "cookie\(id\)"/);
  assert.equal(error("hash hdr"), "hash: hdr needs a name: hdr(NAME)");
  assert.equal(error("hash src(1)"), 'hash: src takes no argument, got "src(1)"');
  assert.equal(error("hash hdr(host"), 'hash: unbalanced parentheses in "hdr(host"');
  assert.equal(error("Roundrobin").startsWith('unknown balance algorithm "Roundrobin"'), true);
});

test("needsOf() says what each algorithm reads from a connection", () => {
  const needs = (text: string) => {
    const parsed = parseBalance(text);
    assert.ok(parsed.ok);
    return needsOf(parsed.spec);
  };
  assert.deepEqual(
    ["roundrobin", "leastconn", "first", "random", "source", "hash src"].map(needs),
    ["nothing", "nothing", "nothing", "nothing", "address", "address"],
  );
  assert.deepEqual(
    ["uri", "url_param u", "hdr(host)", "hash path", "hash hdr(x)"].map(needs),
    ["http", "http", "http", "http", "http"],
  );
});
