/** Tests for `http-request use-service NAME`. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { compileHttpRules, evaluateHttpRules, formatRuleError } from "../../../../src/rules/mod.ts";
import { head } from "../../control/api/_fixtures.ts";
import { requestContext } from "../context.ts";

test("use-service prometheus-exporter stops the rules with a service verdict, under its condition", () => {
  const { rules, errors } = compileHttpRules(
    ["use-service prometheus-exporter if { path /metrics }", "deny"],
    "request",
    new Map(),
  );
  assert.deepEqual(errors, []);
  const hit = requestContext("GET /metrics HTTP/1.1\nHost: a\n");
  assert.deepEqual(evaluateHttpRules(rules, { ctx: hit, req: head("GET /metrics HTTP/1.1") }), {
    type: "service",
    name: "prometheus-exporter",
  });
  const miss = requestContext("GET / HTTP/1.1\nHost: a\n");
  assert.equal(evaluateHttpRules(rules, { ctx: miss, req: head("GET / HTTP/1.1") })?.type, "deny");
});

test("use-service refuses an unknown service with a hint, and response rules", () => {
  const bad = compileHttpRules(["use-service prometheus-exportr"], "request", new Map());
  assert.match(
    formatRuleError(bad.errors[0]!),
    /unknown service "prometheus-exportr".*prometheus-exporter/,
  );
  const res = compileHttpRules(["use-service prometheus-exporter"], "response", new Map());
  assert.equal(res.errors.length, 1);
});
