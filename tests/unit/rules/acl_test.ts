/** compileAcls(): named ACLs, OR-ed names, derived keywords, flags, pattern files, collected errors. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type AclTable,
  compileAcls,
  type CompileOptions,
  formatRuleError,
  type SampleContext,
} from "../../../src/rules/mod.ts";
import { l4Context, requestContext } from "./context.ts";

function acls(lines: string[], options?: CompileOptions): AclTable {
  const r = compileAcls(lines, options);
  assert.deepEqual(r.errors.map(formatRuleError), []);
  return r.acls;
}

/** Whether the single ACL `line` (named "x") matches `ctx`. */
function matches(line: string, ctx: SampleContext, options?: CompileOptions): boolean {
  return acls([`x ${line}`], options).get("x")!.test(ctx);
}

function error(line: string, options?: CompileOptions): string {
  const r = compileAcls([line], options);
  assert.equal(r.errors.length, 1, `expected one error for ${line}`);
  return formatRuleError(r.errors[0]!);
}

const req = requestContext(
  "GET /static/img/Logo.PNG?v=2 HTTP/1.1\nHost: www.Example.com:8080\nUser-Agent: curl/8.1\n",
);

test("compileAcls() ORs the lines that share a name, and accepts a leading acl word", () => {
  const table = acls([
    "acl is_img path_end .png",
    "is_img path_end -i .PNG",
    "is_api path_beg /api",
  ]);
  assert.deepEqual([...table.keys()], ["is_img", "is_api"]);
  assert.equal(table.get("is_img")!.test(req), true, "the second line matches");
  assert.equal(table.get("is_api")!.test(req), false);
  assert.deepEqual(table.get("is_img")!.uses, [
    { fetch: "path_end", needs: "http-req", column: 12 },
    { fetch: "path_end", needs: "http-req", column: 8 },
  ]);
});

test("compileAcls() collects one error per bad line, with its index, and keeps the good ones", () => {
  const r = compileAcls([
    "ok src 10.0.0.0/8",
    "bad pth_beg /x",
    "acl",
    "9$ src 1.2.3.4",
    "alone",
    "or src 1.2.3.4",
  ]);
  assert.deepEqual([...r.acls.keys()], ["ok"]);
  assert.deepEqual(
    r.errors.map((e) => [e.line, formatRuleError(e)]),
    [
      [1, `unknown fetch "pth_beg" at column 5 (did you mean "path_beg"?)`],
      [2, `missing ACL name at column 1`],
      [3, `invalid ACL name "9$" (letters, digits, "_.:-" only) at column 1`],
      [4, `ACL "alone" needs a fetch after its name at column 1`],
      [5, `"or" cannot name an ACL at column 1`],
    ],
  );
  assert.equal(r.errors[1]!.word, "");
});

test("derived keywords imply their match: path_*, url_*, base_*, hdr_*(name), urlp_*, shdr_*", () => {
  assert.equal(matches("path_beg /static/", req), true);
  assert.equal(matches("path_end .PNG", req), true);
  assert.equal(matches("path_sub img", req), true);
  assert.equal(matches("path_dir img", req), true);
  assert.equal(matches("path_dir im", req), false);
  assert.equal(matches("path_reg ^/static/.*\\.PNG$", req), true);
  assert.equal(matches("path_len gt 10", req), true);
  assert.equal(matches("url_sub v=2", req), true);
  assert.equal(matches("base_beg www.Example.com:8080/static", req), true);
  assert.equal(matches("hdr_dom(host) -i example.com", req), true);
  assert.equal(matches("hdr_beg(host) -i www.", req), true);
  assert.equal(matches("hdr_end(host) :8080", req), true);
  assert.equal(matches("hdr_reg(user-agent) ^curl/", req), true);
  assert.equal(matches("hdr_len(user-agent) 8", req), true);
  assert.equal(matches("hdr_sub(user-agent) url", req), true);
  assert.equal(matches("urlp_reg(v) ^[0-9]$", req), true);
  assert.equal(matches("url_param(v) 2", req), true);
  assert.equal(matches("hdr_cnt(host) 1", req), true);
});

test("the default match follows the fetch type: exact string, ip, int, bool", () => {
  assert.equal(matches("method GET", req), true);
  assert.equal(matches("method get", req), false);
  assert.equal(matches("method -i get", req), true);
  assert.equal(matches("src 192.0.2.0/24", req), true);
  assert.equal(matches("src_port 1024:", req), true);
  assert.equal(matches("always_true", req), true);
  assert.equal(matches("always_false", req), false);
  assert.equal(matches("hdr(host),lower www.example.com:8080", req), true, "converters apply");
});

test("-m picks the match, and the sample is cast to what it reads", () => {
  assert.equal(matches("path -m beg /static", req), true);
  assert.equal(matches("hdr(user-agent) -m found", req), true);
  assert.equal(matches("hdr(x-none) -m found", req), false);
  assert.equal(matches("hdr(host) -m len 20", req), true);
  assert.equal(matches("hdr_cnt(host) -m bool", req), true);
  assert.equal(matches("str(42) -m int gt 41", req), true);
  assert.equal(matches("str(x) -m int gt 41", req), false, "not an integer: no match");
  assert.equal(matches("src_port -m str 40000", req), true);
});

test("-i applies to the patterns and files after it", () => {
  const readFile = (p: string) =>
    ({ "a.lst": "CURL/8.1\n", "b.lst": "WGET\n" } as Record<string, string>)[p]!;
  assert.equal(matches("hdr(user-agent) -f a.lst", req, { readFile }), false);
  assert.equal(matches("hdr(user-agent) -i -f a.lst", req, { readFile }), true);
  assert.equal(matches("hdr(user-agent) -f a.lst -i curl/8.1", req, { readFile }), true);
});

test("-f reads one pattern per line, skipping blank lines and comments", () => {
  const files: Record<string, string> = {
    "nets.lst": "# private\n10.0.0.0/8\n\n  192.0.2.0/24  \r\n",
    "bad.lst": "10.0.0.0/8\nnot-a-net\n",
  };
  const readFile = (p: string) => {
    if (!(p in files)) throw new Error(`ENOENT: no such file "${p}"`);
    return files[p]!;
  };
  assert.equal(matches("src -f nets.lst", l4Context(), { readFile }), true);
  assert.equal(matches("src -f nets.lst", l4Context({ src: "8.8.8.8" }), { readFile }), false);
  assert.equal(
    error("x src -f bad.lst", { readFile }),
    `pattern "not-a-net" (bad.lst:2) is not an IP address or network at column 10`,
  );
  assert.equal(
    error("x src -f none.lst", { readFile }),
    `cannot read pattern file "none.lst": ENOENT: no such file "none.lst" at column 10`,
  );
  assert.equal(
    matches("path -f empty.lst", req, { readFile: () => "" }),
    false,
    "an empty file is fine",
  );
});

test("-f reads through node:fs by default, reporting a file it cannot read", () => {
  assert.match(
    error("x src -f /nonexistent/x.lst"),
    /^cannot read pattern file "\/nonexistent\/x.lst": .* at column 10$/,
  );
});

test("-- ends the flags so a pattern may start with a dash; -n and -u are accepted", () => {
  assert.equal(matches("str(-x) -- -x", req), true);
  assert.equal(matches("str(x) -n -u x", req), true);
  assert.equal(
    error("x str(-x) -x"),
    `unknown ACL flag "-x" at column 11 (write "--" before a pattern starting with "-")`,
  );
});

test("compileAcls() refuses flags used wrongly", () => {
  assert.equal(error("x path -m"), `flag "-m" needs a value after it at column 8`);
  assert.equal(
    error("x path -m begg /a"),
    `unknown match method "begg" at column 11 (did you mean "beg"?)`,
  );
  assert.equal(error("x path -m beg -m end /a"), `"-m" given twice at column 18`);
  assert.equal(
    error("x path_beg -m sub /a"),
    `"-m" cannot change how "path_beg" matches at column 15 (use -m with a plain fetch)`,
  );
  assert.equal(
    error("x path -M m.map"),
    `"-M" reads the -f file after it as a map: none follows at column 8`,
  );
});

test("compileAcls() refuses a match that cannot read the sample's type, and ACLs without patterns", () => {
  assert.equal(
    error("x src -m beg 10."),
    `match "beg" expects a string but "src" gives an ip at column 10`,
  );
  assert.equal(
    error("x path"),
    `"path" has no patterns, so it would never match at column 3 (use "-m found" to test that it exists)`,
  );
  assert.equal(matches("method get -i", req), false, "flags come before patterns: -i is a pattern");
});

test("compileAcls() takes pre-split words, keeping their columns", () => {
  const r = compileAcls([[{ text: "x", column: 40 }, { text: "pth", column: 42 }]]);
  assert.equal(
    formatRuleError(r.errors[0]!),
    `unknown fetch "pth" at column 42 (did you mean "path"?)`,
  );
});
