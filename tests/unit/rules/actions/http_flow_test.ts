/** Tests for the flow actions: `tarpit [deny_status N]`, `silent-drop`, `reject`. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { compileHttpRules, evaluateHttpRules, formatRuleError } from "../../../../src/rules/mod.ts";
import { head } from "../../control/api/_fixtures.ts";
import { requestContext } from "../context.ts";

function verdictOf(line: string, path = "/") {
  const { rules, errors } = compileHttpRules([line], "request", new Map());
  assert.deepEqual(errors, []);
  const ctx = requestContext(`GET ${path} HTTP/1.1\nHost: a\n`);
  return evaluateHttpRules(rules, { ctx, req: head(`GET ${path} HTTP/1.1`) });
}

test("tarpit decides a tarpit verdict with status 500 by default, deny_status N otherwise", () => {
  assert.deepEqual(verdictOf("tarpit"), { type: "tarpit", status: 500 });
  assert.deepEqual(verdictOf("tarpit deny_status 429"), { type: "tarpit", status: 429 });
  assert.deepEqual(verdictOf("tarpit deny_status 403 if { path /x }", "/x"), {
    type: "tarpit",
    status: 403,
  });
  assert.equal(verdictOf("tarpit if { path /x }", "/y"), undefined);
});

test("silent-drop and reject decide their verdicts under their condition", () => {
  assert.deepEqual(verdictOf("silent-drop"), { type: "silent-drop" });
  assert.deepEqual(verdictOf("reject if { path /r }", "/r"), { type: "reject" });
  assert.equal(verdictOf("reject if { path /r }", "/s"), undefined);
});

test("flow actions refuse bad arguments and the response side", () => {
  const errs = (line: string, side: "request" | "response" = "request") =>
    compileHttpRules([line], side, new Map()).errors.map(formatRuleError);
  assert.match(errs("tarpit deny_status 999")[0]!, /999/);
  assert.match(errs("tarpit deny_status")[0]!, /status/);
  assert.match(errs("silent-drop now")[0]!, /now/);
  assert.match(errs("reject 1")[0]!, /"1"/);
  assert.equal(errs("tarpit", "response").length, 1);
  assert.equal(errs("reject", "response").length, 1);
});
