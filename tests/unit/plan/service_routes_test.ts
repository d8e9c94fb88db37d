/** Tests for the plan's service routes: which leading use-service lines become path compares. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { serviceRoutes } from "../../../src/plan/service_routes.ts";

test("serviceRoutes() takes leading use-service rules on one path or path_beg test", () => {
  const r = serviceRoutes([
    "use-service prometheus-exporter if { path /metrics /m2 }",
    "use-service prometheus-exporter if { path_beg /prom/ }",
    "deny if { path /x }",
    "use-service prometheus-exporter if { path /late }",
  ], 0);
  assert.equal(r.rules, 2);
  assert.deepEqual(r.routes, [
    { service: "prometheus-exporter", path: "/metrics", prefix: false },
    { service: "prometheus-exporter", path: "/m2", prefix: false },
    { service: "prometheus-exporter", path: "/prom/", prefix: true },
  ]);
});

test("serviceRoutes() leaves to the rules what a compare would not decide the same way", () => {
  for (
    const line of [
      "use-service prometheus-exporter if { path -i /metrics }",
      "use-service prometheus-exporter if { path /metrics } { src 10.0.0.0/8 }",
      "use-service prometheus-exporter if METRICS",
      "use-service prometheus-exporter unless { path /metrics }",
      "use-service prometheus-exporter if { path /m?x }",
      "use-service prometheus-exporter if { path_end /metrics }",
      "use-service prometheus-exporter",
    ]
  ) assert.equal(serviceRoutes([line], 0).rules, 0, line);
});

test("serviceRoutes() takes none when tcp-request content rules run before", () => {
  assert.equal(serviceRoutes(["use-service prometheus-exporter if { path /metrics }"], 1).rules, 0);
});
