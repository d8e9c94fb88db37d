/** Tests for the `auth [realm R]` action: a 401 with a Basic challenge, the realm defaulting to the proxy's name. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { compileHttpRules, evaluateHttpRules, formatRuleError } from "../../../../src/rules/mod.ts";
import { head } from "../../control/api/_fixtures.ts";
import { requestContext } from "../context.ts";

function verdictOf(line: string, beName = "") {
  const { rules, errors } = compileHttpRules([line], "request", new Map());
  assert.deepEqual(errors.map(formatRuleError), []);
  const ctx = requestContext("GET / HTTP/1.1\nHost: a\n", { beName });
  return evaluateHttpRules(rules, { ctx, req: head("GET / HTTP/1.1") });
}

test('auth realm R answers 401 with WWW-Authenticate: Basic realm="R" and HAProxy\'s page', () => {
  const v = verdictOf("auth realm Admin-Area");
  assert.ok(v?.type === "return");
  assert.equal(v.status, 401);
  assert.deepEqual(
    v.headers.find(([n]) => n === "www-authenticate"),
    ["www-authenticate", 'Basic realm="Admin-Area"'],
  );
  assert.match(v.body, /401 Unauthorized/);
});

test("auth without a realm uses the backend's name, else the frontend's", () => {
  const realm = (be: string) => {
    const v = verdictOf("auth", be);
    return v?.type === "return" ? v.headers.find(([n]) => n === "www-authenticate")?.[1] : "";
  };
  assert.equal(realm(""), 'Basic realm="fe"');
  assert.equal(realm("app"), 'Basic realm="app"');
});

test("auth refuses a bad realm, extra words and the response side", () => {
  const errs = (line: string, side: "request" | "response" = "request") =>
    compileHttpRules([line], side, new Map()).errors.map(formatRuleError);
  assert.match(errs("auth realm")[0]!, /needs a realm/);
  assert.match(errs(`auth realm 'a"b'`)[0]!, /invalid realm/);
  assert.match(errs("auth now")[0]!, /"now"/);
  assert.equal(errs("auth", "response").length, 1);
  assert.deepEqual(errs("auth realm x if { path /a }"), []);
});
