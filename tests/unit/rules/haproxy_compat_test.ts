/** Behaviours matched to HAProxy 2.6 after the rules differential (tests/e2e/rules_diff*_test.ts) found them apart. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeLatin1 } from "../../../src/http1/serialize.ts";
import { DEFAULT_LIMITS, type RequestHead } from "../../../src/http1/types.ts";
import { parseRequestHead } from "../../../src/http1/parse.ts";
import { parseResponseHead } from "../../../src/http1/parse.ts";
import { localResponse, runResponseRules } from "../../../src/proxy/http/rules_context.ts";
import { statusReason } from "../../../src/rules/actions/reasons.ts";
import {
  compileAcls,
  compileHttpRules,
  compileSample,
  evaluateHttpRules,
  type Verdict,
} from "../../../src/rules/mod.ts";
import { l4Context, requestContext } from "./context.ts";

function request(raw: string): RequestHead {
  const r = parseRequestHead(
    encodeLatin1(raw.split("\n").join("\r\n") + "\r\n\r\n"),
    DEFAULT_LIMITS,
  );
  if (!r.ok) throw new Error(r.rejection.reason);
  return r.head;
}

/** Runs request rules on `raw`; returns the verdict and the rewritten head. */
function run(lines: string[], raw: string) {
  const { rules, errors } = compileHttpRules(lines, "request", compileAcls([]).acls);
  assert.deepEqual(errors, []);
  const req = request(raw);
  const ctx = l4Context({
    req: { method: req.method, target: req.target, minor: 1, headers: req.headers },
  });
  Object.defineProperty(ctx.req, "target", { get: () => req.target });
  return { verdict: evaluateHttpRules(rules, { ctx, req }), req };
}

const fields = (req: RequestHead) => req.headers.map((f) => `${f.name}: ${f.value}`);

test("set-header removes every field of that name and appends one at the end", () => {
  const r = run(["set-header X-R new"], "GET / HTTP/1.1\nHost: h\nX-R: 1\nAccept: a\nX-R: 2");
  assert.deepEqual(fields(r.req), ["Host: h", "Accept: a", "X-R: new"]);
});

test("replace-value rewrites list elements in place: untouched ones keep their blanks", () => {
  const r = run(
    ["replace-value X-L ^a(.*)$ A\\1"],
    'GET / HTTP/1.1\nHost: h\nX-L: a1, b2,a3 ,  a4\nX-L: "a,5", a6',
  );
  assert.deepEqual(fields(r.req).slice(1), ["X-L: A1, b2,A3,A4", 'X-L: "a,5",A6']);
});

test("url_param: a parameter without '=' has no value; the delimiter argument starts the list", () => {
  const value = (text: string, target: string) => {
    const s = compileSample(text);
    assert.ok(s.ok);
    return s.sample.value(requestContext(`GET ${target} HTTP/1.1\nHost: h`));
  };
  assert.equal(value("url_param(debug)", "/?debug"), undefined);
  assert.equal(value("url_param(debug)", "/?debug&x=1"), undefined);
  assert.equal(value("url_param", "/?flag&c=4"), "4");
  assert.equal(value("url_param(id,;)", "/p;id=5?x=1"), "5?x=1");
  assert.equal(value("url_param(id,;)", "/p?id=5"), undefined);
  assert.equal(value("url_param(c,|)", "/?x|c=5;d=6"), "5");
});

test("redirect prefix: only a prefix of exactly '/' keeps the path alone", () => {
  const go = (line: string, target: string) =>
    (run([line], `GET ${target} HTTP/1.1\nHost: h`).verdict as { location: string }).location;
  assert.equal(go("redirect prefix /x/", "/a?q=1"), "/x//a?q=1");
  assert.equal(go("redirect prefix /", "/a?q=1"), "/a?q=1");
  assert.equal(go("redirect prefix /%[str(x)]", "/a"), "/x/a");
});

test("localResponse: no cache-control on 301/308; return fields before content-length and type", () => {
  const head = (v: Verdict) => {
    const text = new TextDecoder().decode(
      localResponse(
        v as Parameters<typeof localResponse>[0],
        request("GET / HTTP/1.1\nHost: h"),
        true,
      )
        .bytes,
    );
    return text.split("\r\n\r\n")[0]!.split("\r\n").slice(1);
  };
  for (const code of [301, 308]) {
    assert.deepEqual(head({ type: "redirect", code, location: "/n" }), [
      "content-length: 0",
      "location: /n",
    ]);
  }
  for (const code of [302, 303, 307]) {
    assert.deepEqual(head({ type: "redirect", code, location: "/n" }), [
      "content-length: 0",
      "location: /n",
      "cache-control: no-cache",
    ]);
  }
  const ret: Verdict = {
    type: "return",
    status: 200,
    headers: [["content-type", "text/plain"], ["X-A", "b"]],
    body: "ok",
  };
  assert.deepEqual(head(ret), ["X-A: b", "content-length: 2", "content-type: text/plain"]);
});

test("hdr_val gives 0 for a value without a leading integer, as HAProxy's strl2ic", () => {
  const s = compileSample("hdr_val(x-n)");
  assert.ok(s.ok);
  const val = (h: string) => s.sample.value(requestContext(`GET / HTTP/1.1\nHost: h\n${h}`));
  assert.equal(val("X-N: abc"), 0);
  assert.equal(val("X-N: 7b"), 7);
  assert.equal(val("X-Other: 1"), undefined);
});

test("set-path on an absolute-form target without a path keeps scheme and authority", () => {
  assert.equal(
    run(["set-path /n"], "GET http://h.example HTTP/1.1\nHost: h.example").req.target,
    "http://h.example/n",
  );
  assert.equal(
    run(["set-path /n"], "GET http://h.example?q HTTP/1.1\nHost: h.example").req.target,
    "http://h.example/n?q",
  );
  assert.deepEqual(run(["set-path /n"], "OPTIONS * HTTP/1.1\nHost: h").verdict, {
    type: "deny",
    status: 500,
  });
});

test("set-status without a reason takes HAProxy's phrase, its class's for unknown codes", () => {
  assert.deepEqual([418, 302, 451, 299, 599, 700].map(statusReason), [
    "I'm a teapot",
    "Moved Temporarily",
    "Unavailable For Legal Reasons",
    "Success",
    "Server Error",
    "Other",
  ]);
  const { rules } = compileHttpRules(["set-status 200"], "response", compileAcls([]).acls);
  const r = parseResponseHead(encodeLatin1("HTTP/1.1 200 Origin Says\r\n\r\n"), DEFAULT_LIMITS);
  assert.ok(r.ok);
  runResponseRules(rules, l4Context(), request("GET / HTTP/1.1\nHost: h"), r.head);
  assert.equal(r.head.reason, "OK");
});

test("response rules no longer see variables of the req scope", () => {
  const { rules } = compileHttpRules(
    ["set-header X-R %[var(req.a)]", "set-header X-T %[var(txn.a)]"],
    "response",
    compileAcls([]).acls,
  );
  const r = parseResponseHead(encodeLatin1("HTTP/1.1 200 OK\r\n\r\n"), DEFAULT_LIMITS);
  assert.ok(r.ok);
  const ctx = l4Context({ vars: new Map([["req.a", "1"], ["txn.a", "2"]]) });
  runResponseRules(rules, ctx, request("GET / HTTP/1.1\nHost: h"), r.head);
  assert.deepEqual(r.head.headers.map((f) => `${f.name}: ${f.value}`), ["X-R: ", "X-T: 2"]);
});
