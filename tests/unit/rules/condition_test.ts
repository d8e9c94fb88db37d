/** compileCondition(): if/unless, AND/OR precedence, negation, anonymous and predefined ACLs, errors. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  compileAcls,
  compileCondition,
  type Condition,
  formatRuleError,
  PREDEFINED_ACLS,
  type SampleContext,
} from "../../../src/rules/mod.ts";
import { l4Context, requestContext, responseContext } from "./context.ts";

const { acls } = compileAcls([
  "t always_true",
  "f always_false",
  "t2 always_true",
  "f2 always_false",
  "is_api path_beg /api",
  "is_api hdr(host) -i api.local",
  "is_static path_end .css .js",
  "not_found status 404",
]);

function cond(text: string): Condition {
  const r = compileCondition(text, acls);
  assert.ok(r.ok, r.ok ? "" : formatRuleError(r.error));
  return r.condition;
}

function holds(text: string, ctx: SampleContext = l4Context()): boolean {
  return cond(text).test(ctx);
}

function error(text: string): string {
  const r = compileCondition(text, acls);
  assert.ok(!r.ok, `expected an error for ${text}`);
  return formatRuleError(r.error);
}

test("compileCondition() ANDs ACLs side by side and ORs alternatives, AND binding tighter", () => {
  assert.equal(holds("if t t2"), true);
  assert.equal(holds("if t f"), false);
  assert.equal(holds("if f || t"), true);
  assert.equal(holds("if f or t"), true);
  assert.equal(holds("if f || f2"), false);
  assert.equal(holds("if t f || t2"), true, "(t AND f) OR t2");
  assert.equal(holds("if f || t f2"), false, "f OR (t AND f2)");
  assert.equal(holds("if t || f f2"), true, "t OR (f AND f2)");
  assert.equal(holds("if f t || f2 t || t t2"), true);
});

test("compileCondition() negates with !, written apart, attached or doubled", () => {
  assert.equal(holds("if !f"), true);
  assert.equal(holds("if ! f"), true);
  assert.equal(holds("if !!f"), false);
  assert.equal(holds("if ! !f"), false);
  assert.equal(holds("if !t || !f"), true);
  assert.equal(holds("if t !f"), true);
  assert.equal(holds("if !t t"), false, "! binds to one ACL only");
});

test("compileCondition() inverts the whole condition with unless", () => {
  assert.equal(holds("unless f"), true);
  assert.equal(holds("unless t f || f2"), true);
  assert.equal(holds("unless f || t"), false);
});

test("compileCondition() compiles anonymous ACLs, negated too", () => {
  const ctx = requestContext("GET /api/users HTTP/1.1\nHost: www.local\nX-Debug: 1\n");
  assert.equal(holds("if { path_beg /api }", ctx), true);
  assert.equal(holds("if !{ path_beg /api }", ctx), false);
  assert.equal(holds("if ! { hdr(x-debug) -m found }", ctx), false);
  assert.equal(holds("if { src 10.0.0.0/8 } || { hdr(x-debug) 1 } is_api", ctx), true);
  assert.equal(holds("if { hdr(host) -i -m beg WWW. }", ctx), true);
});

test("compileCondition() uses ACLs whose lines were OR-ed", () => {
  const byPath = requestContext("GET /api/x HTTP/1.1\nHost: www.local");
  const byHost = requestContext("GET /x HTTP/1.1\nHost: API.local");
  const neither = requestContext("GET /x HTTP/1.1\nHost: www.local");
  assert.equal(holds("if is_api", byPath), true);
  assert.equal(holds("if is_api", byHost), true);
  assert.equal(holds("if is_api", neither), false);
  assert.equal(
    holds("if is_api !is_static", requestContext("GET /api/a.js HTTP/1.1\nHost: h")),
    false,
  );
});

test("compileCondition() knows HAProxy's predefined ACLs", () => {
  const get10 = requestContext("GET /x HTTP/1.0");
  const head = requestContext("HEAD http://h/ HTTP/1.1\nHost: h\nContent-Length: 0");
  const post = requestContext("POST /x HTTP/1.1\nHost: h\nContent-Length: 3", {
    src: "127.0.0.1",
    payload: new Uint8Array(3),
    waitEnd: true,
  });
  const cases: [string, SampleContext, boolean][] = [
    ["TRUE", l4Context(), true],
    ["FALSE", l4Context(), false],
    ["LOCALHOST", l4Context({ src: "127.0.0.1" }), true],
    ["LOCALHOST", l4Context({ src: "::1" }), true],
    ["LOCALHOST", l4Context(), false],
    ["HTTP", get10, true],
    ["HTTP", l4Context(), false],
    ["HTTP_1.0", get10, true],
    ["HTTP_1.1", get10, false],
    ["HTTP_1.1", head, true],
    ["METH_GET", get10, true],
    ["METH_GET", head, true],
    ["METH_HEAD", get10, false],
    ["METH_POST", post, true],
    ["METH_PUT", requestContext("PUT /x HTTP/1.0"), true],
    ["METH_DELETE", requestContext("DELETE /x HTTP/1.0"), true],
    ["METH_OPTIONS", requestContext("OPTIONS * HTTP/1.0"), true],
    ["METH_CONNECT", requestContext("CONNECT h:443 HTTP/1.1\nHost: h:443"), true],
    ["METH_TRACE", requestContext("TRACE / HTTP/1.0"), true],
    ["HTTP_URL_ABS", head, true],
    ["HTTP_URL_ABS", get10, false],
    ["HTTP_URL_SLASH", get10, true],
    ["HTTP_URL_STAR", requestContext("OPTIONS * HTTP/1.0"), true],
    ["HTTP_URL_STAR", post, false],
    ["HTTP_CONTENT", post, true],
    ["HTTP_CONTENT", head, false],
    ["REQ_CONTENT", post, true],
    ["REQ_CONTENT", get10, false],
    ["WAIT_END", post, true],
    ["WAIT_END", get10, false],
  ];
  for (const [name, ctx, want] of cases) assert.equal(holds(`if ${name}`, ctx), want, name);
  assert.deepEqual(
    Object.keys(PREDEFINED_ACLS).filter((n) => !cases.some(([c]) => c === n)),
    [],
    "every predefined ACL is tested",
  );
});

test("compileCondition() reports what the condition needs and which fetches, where", () => {
  const c = cond("if is_api || { src 10.0.0.0/8 } !not_found");
  assert.deepEqual(c.needs, ["l4", "http-req", "http-res"]);
  assert.deepEqual(c.uses, [
    { fetch: "path_beg", needs: "http-req", column: 4, acl: "is_api" },
    { fetch: "hdr", needs: "http-req", column: 4, acl: "is_api" },
    { fetch: "src", needs: "l4", column: 16 },
    { fetch: "status", needs: "http-res", column: 34, acl: "not_found" },
  ]);
  assert.deepEqual(cond("if TRUE").needs, ["l4"]);
  assert.deepEqual(cond("if REQ_CONTENT").needs, ["payload"]);
  const res = responseContext("GET / HTTP/1.1\nHost: h", "HTTP/1.1 404 Not Found");
  assert.equal(c.test(res), false);
  assert.equal(cond("if not_found").test(res), true);
});

test("compileCondition() refuses unknown ACLs with a suggestion or a hint", () => {
  assert.equal(error("if is_apii"), `unknown ACL "is_apii" at column 4 (did you mean "is_api"?)`);
  assert.equal(
    error("if !is_statc"),
    `unknown ACL "is_statc" at column 5 (did you mean "is_static"?)`,
  );
  assert.equal(
    error("if METH_GTE"),
    `unknown ACL "METH_GTE" at column 4 (did you mean "METH_GET"?)`,
  );
  assert.equal(
    error("if t and f"),
    `unknown ACL "and" at column 6 (ACLs side by side are AND-ed: drop "and")`,
  );
  assert.equal(
    error("if ( t || f )"),
    `unknown ACL "(" at column 4 (conditions have no parentheses: name the parts with ACLs)`,
  );
  assert.equal(error("if zzzzzzzz"), `unknown ACL "zzzzzzzz" at column 4`);
});

test("compileCondition() refuses malformed conditions, pointing at the word", () => {
  assert.equal(error("t"), `expected "if" or "unless" at column 1`);
  assert.equal(error(""), `expected "if" or "unless" at column 1`);
  assert.equal(error("if"), `"if" needs a condition after it at column 1`);
  assert.equal(error("if || t"), `missing ACL before "||" at column 4`);
  assert.equal(error("if t || || f"), `missing ACL before "||" at column 9`);
  assert.equal(error("if t ||"), `missing ACL after "||" at column 6`);
  assert.equal(error("if t !"), `"!" must be followed by an ACL at column 6`);
  assert.equal(error("if ! || t"), `"!" must be followed by an ACL at column 4`);
  assert.equal(error("if { src 10.0.0.0/8"), `missing "}" for the "{" here at column 4`);
  assert.equal(error("if { }"), `empty anonymous ACL at column 4`);
  assert.equal(error("if { src { 1.2.3.4 } }"), `"{" cannot be nested at column 10`);
  assert.equal(error("if t }"), `"}" without a "{" before it at column 6`);
  assert.equal(error(`if { hdr(x) "a }`), `unterminated quote at column 13`);
});

test("compileCondition() reports errors inside anonymous ACLs at their column", () => {
  assert.equal(
    error("if t { pth_beg /x }"),
    `unknown fetch "pth_beg" at column 8 (did you mean "path_beg"?)`,
  );
  assert.equal(
    error("if { src 300.0.0.1 }"),
    `pattern "300.0.0.1" is not an IP address or network at column 10`,
  );
  assert.equal(
    error("if { path }"),
    `"path" has no patterns, so it would never match at column 6 (use "-m found" to test that it exists)`,
  );
});

test("compileCondition() takes pre-split words with their columns", () => {
  const r = compileCondition(
    [{ text: "if", column: 20 }, { text: "!", column: 23 }, { text: "nope", column: 25 }],
    acls,
  );
  assert.ok(!r.ok);
  assert.deepEqual(r.error, { message: `unknown ACL "nope"`, word: "nope", column: 25 });
});
