/** Tests for compiling and running http-request / http-response / useBackend rule lines. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRequestHead, parseResponseHead } from "../../../src/http1/parse.ts";
import { encodeLatin1 } from "../../../src/http1/serialize.ts";
import { DEFAULT_LIMITS, type RequestHead, type ResponseHead } from "../../../src/http1/types.ts";
import {
  chooseBackend,
  compileAcls,
  compileBackendRules,
  compileHttpRules,
  evaluateHttpRules,
  formatRuleError,
  type RuleSide,
} from "../../../src/rules/mod.ts";
import { l4Context } from "./context.ts";

const { acls } = compileAcls(["is_api path_beg /api", "blocked src 10.0.0.0/8"]);

function errors(lines: string[], side: RuleSide = "request", mode: "tcp" | "http" = "http") {
  return compileHttpRules(lines, side, acls, { mode }).errors.map((e) =>
    `[${e.line}] ${formatRuleError(e)}`
  );
}

function request(raw: string): RequestHead {
  const r = parseRequestHead(
    encodeLatin1(raw.split("\n").join("\r\n") + "\r\n\r\n"),
    DEFAULT_LIMITS,
  );
  if (!r.ok) throw new Error(r.rejection.reason);
  return r.head;
}

function response(raw: string): ResponseHead {
  const r = parseResponseHead(
    encodeLatin1(raw.split("\n").join("\r\n") + "\r\n\r\n"),
    DEFAULT_LIMITS,
  );
  if (!r.ok) throw new Error(r.rejection.reason);
  return r.head;
}

/** Runs request rules on `raw`; returns the verdict and the rewritten head. */
function run(lines: string[], raw: string) {
  const { rules, errors } = compileHttpRules(lines, "request", acls);
  assert.deepEqual(errors, []);
  const req = request(raw);
  const ctx = l4Context({
    req: { method: req.method, target: req.target, minor: 1, headers: req.headers },
  });
  Object.defineProperty(ctx.req, "target", { get: () => req.target });
  return { verdict: evaluateHttpRules(rules, { ctx, req }), req };
}

test("compileHttpRules() suggests the nearest action for a misspelt one", () => {
  assert.deepEqual(errors(["allow", "dny if blocked"]), [
    '[1] unknown action "dny" at column 1 (did you mean "deny"?)',
  ]);
});

test("compileHttpRules() refuses response fetches in request rules, directly or through an ACL", () => {
  const { acls: withStatus } = compileAcls(["not_found status 404"]);
  const r = compileHttpRules(
    ["deny if not_found", "set-header X %[status]"],
    "request",
    withStatus,
  );
  assert.deepEqual(r.errors.map(formatRuleError), [
    '"status" (through ACL "not_found") needs a response; not allowed in an http-request rule at column 9',
    '"status" needs a response; not allowed in an http-request rule at column 16',
  ]);
});

test("compileHttpRules() refuses actions of the other side and HTTP rules in tcp mode", () => {
  assert.deepEqual(errors(["set-status 404"]), [
    '[0] "set-status" is an http-response action; not allowed in an http-request rule at column 1',
  ]);
  assert.deepEqual(errors(["redirect location /x"], "response"), [
    '[0] "redirect" is an http-request action; not allowed in an http-response rule at column 1',
  ]);
  assert.deepEqual(errors(["deny"], "request", "tcp"), [
    "[0] http-request rules need http mode; this section is in tcp mode at column 1",
  ]);
});

test("compileHttpRules() checks arguments: codes, regexes, framing fields, trailing words", () => {
  const got = errors([
    "redirect location /x code 305",
    "replace-header Host ([ x",
    "del-header Content-Length",
    "set-header X-A",
    "allow now",
    'return string "x"',
    "deny deny_status 99",
  ]);
  // the regex engine's own words differ between runtimes: only the start and the column are ours
  assert.match(got[1]!, /^\[1\] invalid regex "\(\[": .* at column 21$/);
  got[1] = "";
  assert.deepEqual(got, [
    '[0] invalid redirect code "305" (301, 302, 303, 307, 308) at column 27',
    "",
    '[2] "Content-Length" frames the body and cannot be changed by a rule at column 12',
    '[3] "set-header" needs a value at column 12',
    '[4] unexpected "now" after the arguments of "allow" at column 7 ' +
    '(conditions start with "if" or "unless")',
    '[5] "return" with a body needs a content-type at column 1',
    '[6] invalid status "99" (200-599) at column 18',
  ]);
});

test("compileHttpRules() reports a bad sample inside %[...] at its column", () => {
  assert.deepEqual(errors(["set-path /x%[pth]"]), [
    '[0] unknown fetch "pth" at column 14 (did you mean "path"?)',
  ]);
});

test("evaluateHttpRules() rewrites in order and stops at the first verdict", () => {
  const r = run(
    [
      "set-header X-Api yes if is_api",
      "add-header X-Seen 1",
      "del-header X-Debug",
      "replace-header User-Agent ^curl/(.*) curl-\\1",
      "set-path /internal%[path]",
      "set-query a=1",
      "deny if { path /internal/api/deny }",
      "set-header X-Never 1",
    ],
    "GET /api/x?old HTTP/1.1\nHost: h\nUser-Agent: curl/8\nX-Debug: 1",
  );
  assert.equal(r.verdict, undefined);
  assert.equal(r.req.target, "/internal/api/x?a=1");
  assert.deepEqual(r.req.headers.map((f) => `${f.name}: ${f.value}`), [
    "Host: h",
    "User-Agent: curl-8",
    "X-Api: yes",
    "X-Seen: 1",
    "X-Never: 1",
  ]);
  const d = run(
    ["set-path /internal%[path]", "deny if { path /internal/api/deny }"],
    "GET /api/deny HTTP/1.1\nHost: h",
  );
  assert.deepEqual(d.verdict, { type: "deny", status: 403 });
});

test("evaluateHttpRules() builds redirects: prefix with drop-query, scheme with the Host", () => {
  const p = run(["redirect prefix /v2 drop-query code 308"], "GET /v1/a?b=1 HTTP/1.1\nHost: h");
  assert.deepEqual(p.verdict, { type: "redirect", code: 308, location: "/v2/v1/a" });
  const s = run(["redirect scheme https"], "GET /a?b=1 HTTP/1.1\nHost: h.example");
  assert.deepEqual(s.verdict, { type: "redirect", code: 302, location: "https://h.example/a?b=1" });
});

test("evaluateHttpRules() fails a rewrite that would put a control character on the wire", () => {
  const r = run(
    ["set-header X-Copy %[hdr(x-in),url_dec]"],
    "GET / HTTP/1.1\nHost: h\nX-In: a%0d%0ab",
  );
  assert.deepEqual(r.verdict, { type: "deny", status: 500 });
});

test("response rules: set-status, del-header and a 502 deny", () => {
  const { rules, errors } = compileHttpRules(
    [
      "del-header Server",
      "set-status 418 reason Teapot if { status 404 }",
      "deny if { status 500 }",
    ],
    "response",
    acls,
  );
  assert.deepEqual(errors, []);
  const req = request("GET / HTTP/1.1\nHost: h");
  const res = response("HTTP/1.1 404 Not Found\nServer: x");
  const ctx = l4Context({ res: { status: 404, headers: res.headers } });
  assert.equal(evaluateHttpRules(rules, { ctx, req, res }), undefined);
  assert.deepEqual([res.status, res.reason, res.headers.length], [418, "Teapot", 0]);
  const boom = response("HTTP/1.1 500 Oops");
  const ctx500 = l4Context({ res: { status: 500, headers: boom.headers } });
  assert.deepEqual(evaluateHttpRules(rules, { ctx: ctx500, req, res: boom }), {
    type: "deny",
    status: 502,
  });
});

test("compileBackendRules() checks names; chooseBackend() takes the first match", () => {
  const r = compileBackendRules(["apii if is_api", "api if is_api", "edge if blocked"], acls, [
    "api",
    "edge",
  ]);
  assert.deepEqual(r.errors.map(formatRuleError), [
    'unknown backend "apii" at column 1 (did you mean "api"?)',
  ]);
  const req = request("GET /api HTTP/1.1\nHost: h");
  const sample = { method: req.method, target: req.target, minor: 1, headers: req.headers };
  assert.equal(chooseBackend(r.rules, l4Context({ req: sample, src: "10.1.2.3" })), "api");
  assert.equal(chooseBackend(r.rules, l4Context({ src: "10.1.2.3" })), "edge");
  assert.equal(chooseBackend(r.rules, l4Context()), undefined);
});
