/** The `shared` section and `shared: true` tables: defaults, the URL checked, tables that cannot be shared refused; the plan built from it. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type ConfigError, parseConfigText } from "../../../src/config/mod.ts";
import { stickTableSpecs } from "../../../src/config/stick_table.ts";
import { sharedPlan } from "../../../src/plan/shared.ts";

function messages(text: string): string[] {
  const r = parseConfigText(text, "t.yaml");
  return r.ok ? [] : r.errors.map((e: ConfigError) => `${e.path}: ${e.message}`);
}

const BASE = `backends:
  app: { mode: http, servers: [{ name: s1, address: "127.0.0.1:1" }] }
`;

test("shared: defaults filled, a shared table's spec says so, the plan parses the URL and masks it", () => {
  const r = parseConfigText(
    `shared: { redis: "redis://:pw@127.0.0.1:6380/2" }
stickTables:
  per_ip: { type: ip, size: 1k, expire: 30s, store: ["http_req_rate(10s)"], shared: true }
  local: { type: ip, size: 1k, store: [gpc0] }
${BASE}`,
    "t.yaml",
  );
  assert.ok(r.ok, r.ok ? "" : JSON.stringify(r.errors));
  const s = r.config.shared!;
  assert.deepEqual(
    [s.prefix, s.syncInterval, s.instanceTtl, s.readWindow, s.maxKeysPerSync],
    ["tsproxy:", 100, 10000, 1000, 1000],
  );
  const specs = stickTableSpecs(r.config);
  assert.equal(specs.get("per_ip")!.shared, true);
  assert.equal(specs.get("local")!.shared, undefined);
  const plan = sharedPlan(r.config)!;
  assert.deepEqual([plan.redis.port, plan.redis.db, plan.redis.password], [6380, 2, "pw"]);
  assert.equal(plan.where, "redis://:***@127.0.0.1:6380/2");
  assert.equal(plan.tls, undefined);
});

test("shared: a bad URL is refused saying why", () => {
  assert.deepEqual(messages(`shared: { redis: "http://x" }\n${BASE}`), [
    'shared.redis: redis URL "http://x": scheme must be redis:// or rediss://',
  ]);
});

test("a shared table needs the shared section and an expire", () => {
  const errors = messages(`stickTables:
  per_ip: { type: ip, size: 1k, store: [gpc0], shared: true }
${BASE}`);
  assert.deepEqual(errors, [
    "stickTables.per_ip.shared: a shared stick table needs the top-level `shared` section (shared.redis)",
    "stickTables.per_ip.shared: a shared stick table needs `expire`: it is the TTL of its keys in Redis",
  ]);
  assert.deepEqual(
    messages(`shared: { redis: "redis://h" }
frontends:
  web:
    bind: ["127.0.0.1:0"]
    mode: http
    defaultBackend: app
    stickTable: { type: ip, size: 1k, expire: 10s, store: [gpc0], shared: true }
${BASE}`),
    [],
  );
});

test("rediss:// gets TLS verified against the host by default", () => {
  const r = parseConfigText(`shared: { redis: "rediss://cache.internal:6380" }\n${BASE}`, "t.yaml");
  assert.ok(r.ok);
  assert.deepEqual(sharedPlan(r.config)!.tls, { verify: "required", servername: "cache.internal" });
});
