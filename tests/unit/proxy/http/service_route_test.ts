/** Tests for service routes: the path compare that answers leading use-service rules, and the rules left after them. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { routeMatches, withoutRouted } from "../../../../src/proxy/http/service_route.ts";
import type { LocalService } from "../../../../src/proxy/http/service.ts";
import type { FrontendRules } from "../../../../src/rules/rule_sets.ts";

const service: LocalService = { name: "t", serve: () => ({ status: 200, headers: [], body: "" }) };
const exact = { service, path: "/metrics", prefix: false };
const prefix = { service, path: "/api/", prefix: true };

test("routeMatches() is the path fetch's exact match: the query is not part of the path", () => {
  assert.equal(routeMatches(exact, "/metrics"), true);
  assert.equal(routeMatches(exact, "/metrics?scope=server"), true);
  assert.equal(routeMatches(exact, "/metricsx"), false);
  assert.equal(routeMatches(exact, "/metrics/"), false);
  assert.equal(routeMatches(exact, "/Metrics"), false, "case-sensitive, as HAProxy's str match");
  assert.equal(routeMatches(exact, "/small"), false);
  assert.equal(routeMatches(exact, "/a?x=/metrics"), false);
});

test("routeMatches() reads the path of an absolute-form target, none of '*' or authority form", () => {
  assert.equal(routeMatches(exact, "http://h:8080/metrics?x"), true);
  assert.equal(routeMatches(exact, "http://h/metricsy"), false);
  assert.equal(routeMatches(exact, "*"), false);
  assert.equal(routeMatches(exact, "h:443"), false);
});

test("routeMatches() of path_beg: the path starts with the pattern", () => {
  assert.equal(routeMatches(prefix, "/api/x"), true);
  assert.equal(routeMatches(prefix, "/api/"), true);
  assert.equal(routeMatches(prefix, "/api"), false);
  assert.equal(routeMatches(prefix, "/x?/api/"), false);
});

test("withoutRouted() drops the routed request rules; null when nothing is left", () => {
  const rule = { action: "deny", cond: null, run: () => undefined };
  const rules: FrontendRules = {
    request: [rule, rule],
    response: [],
    backends: [],
    tcp: { connection: [], content: [], inspectDelay: 0 } as unknown as FrontendRules["tcp"],
  };
  assert.equal(withoutRouted(rules, 0), rules);
  assert.equal(withoutRouted(rules, 1)?.request.length, 1);
  assert.equal(withoutRouted(rules, 2), null);
  assert.equal(withoutRouted(null, 2), null);
});
