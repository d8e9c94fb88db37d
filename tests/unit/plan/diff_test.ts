/** Tests for describeChanges(): the one log line per changed section a reload writes. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseConfigText } from "../../../src/config/mod.ts";
import type { Config } from "../../../src/config/mod.ts";
import { describeChanges, fieldChanges } from "../../../src/plan/diff.ts";

function config(yaml: string): Config {
  const r = parseConfigText(yaml, "test.yaml");
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

const BASE = `
global: { log: none, maxconn: 100 }
defaults: { mode: http }
frontends:
  web: { bind: ["127.0.0.1:8080"], defaultBackend: app }
backends:
  app:
    servers:
      - { name: s1, address: "127.0.0.1:9001", weight: 10 }
      - { name: s2, address: "127.0.0.1:9002" }
`;

test("describeChanges() says nothing for the same config", () => {
  assert.deepEqual(describeChanges(config(BASE), config(BASE)), []);
});

test("describeChanges() lists added and removed frontends, one line each", () => {
  const next = BASE.replace(
    "backends:",
    `  api: { bind: ["127.0.0.1:8081"], defaultBackend: app }\nbackends:`,
  );
  assert.deepEqual(describeChanges(config(BASE), config(next)), ["frontend api: added"]);
  assert.deepEqual(describeChanges(config(next), config(BASE)), ["frontend api: removed"]);
});

test("describeChanges() puts a backend's server changes on one line", () => {
  const next = BASE.replace("weight: 10", "weight: 20")
    .replace(
      `      - { name: s2, address: "127.0.0.1:9002" }`,
      `      - { name: s3, address: "127.0.0.1:9003" }`,
    );
  assert.deepEqual(describeChanges(config(BASE), config(next)), [
    "backend app: server s2 removed, server s3 added, s1 weight 10 → 20",
  ]);
});

test("describeChanges() shows addresses as host:port and rule lists as changed", () => {
  const next = BASE.replace("127.0.0.1:9002", "127.0.0.1:9012").replace(
    "defaultBackend: app }",
    "defaultBackend: app, httpRequest: ['deny if { path /x }'] }",
  );
  assert.deepEqual(describeChanges(config(BASE), config(next)), [
    "frontend web: httpRequest added",
    "backend app: s2 address 127.0.0.1:9002 → 127.0.0.1:9012",
  ]);
});

test("describeChanges() reports global settings and backends added", () => {
  const next = BASE.replace("maxconn: 100", "maxconn: 200") +
    `  other:\n    servers: [{ name: o1, address: "127.0.0.1:9100" }]\n`;
  assert.deepEqual(describeChanges(config(BASE), config(next)), [
    "global: maxconn 100 → 200",
    "backend other: added",
  ]);
});

test("fieldChanges() names keys added, removed and changed", () => {
  assert.deepEqual(fieldChanges({ a: 1, b: [1], c: "x" }, { a: 2, b: [2], d: true }), [
    "a 1 → 2",
    "b changed",
    "c removed",
    "d added",
  ]);
});
