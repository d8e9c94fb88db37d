/** Stick tables in the config: the schema, a section's own table, rules checked against the tables. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type ConfigError, parseConfigText } from "../../../src/config/mod.ts";
import { stickTableSpecs } from "../../../src/config/stick_table.ts";

function messages(text: string): string[] {
  const r = parseConfigText(text, "t.yaml");
  return r.ok ? [] : r.errors.map((e: ConfigError) => `${e.path}: ${e.message}`);
}

const BASE = `backends:
  app: { mode: http, servers: [{ name: s1, address: "127.0.0.1:1" }] }
`;

test("stickTables and a frontend's stickTable load, sizes and periods parsed", () => {
  const r = parseConfigText(
    `stickTables:
  per_ip: { type: ip, size: 1m, expire: 30s, store: ["http_req_rate(10s)", conn_cur, gpc0] }
frontends:
  web:
    bind: ["127.0.0.1:0"]
    mode: http
    defaultBackend: app
    stickTable: { type: string, len: 16, size: 100, store: [gpc0] }
    httpRequest:
      - track-sc0 src table per_ip
      - track-sc1 hdr(host)
      - deny deny_status 429 if { sc_http_req_rate(0) gt 20 }
${BASE}`,
    "t.yaml",
  );
  assert.ok(r.ok, r.ok ? "" : JSON.stringify(r.errors));
  const specs = stickTableSpecs(r.config);
  const t = specs.get("per_ip")!;
  assert.deepEqual([t.type, t.size, t.expire, t.store.length], ["ip", 1048576, 30000, 3]);
  assert.equal(t.store[0]!.period, 10000);
  assert.deepEqual([specs.get("web")!.type, specs.get("web")!.len], ["string", 16]);
});

test("bad store items, unknown tables and unstored data are config errors", () => {
  assert.deepEqual(
    messages(`stickTables:
  t: { type: ip, size: 10, store: ["http_req_rate", bogus] }
frontends:
  web: { bind: ["127.0.0.1:0"], mode: http, defaultBackend: app }
${BASE}`),
    [
      'stickTables.t.store[0]: stick table data type "http_req_rate": expected http_req_rate(period)',
      'stickTables.t.store[1]: unknown stick table data type "bogus"',
    ],
  );
  const m = messages(`stickTables:
  t: { type: ip, size: 10, store: [conn_cur] }
frontends:
  web:
    bind: ["127.0.0.1:0"]
    mode: http
    defaultBackend: app
    httpRequest: ["track-sc0 src table nope", "deny if { src_gpc0(t) gt 0 }", "track-sc1 src"]
${BASE}`);
  assert.equal(m.length, 3);
  assert.match(m[0]!, /httpRequest\[0\]: .*unknown stick table "nope" \(tables: t\)/);
  assert.match(m[1]!, /httpRequest\[1\]: .*stick table "t" does not store gpc0/);
  assert.match(m[2]!, /httpRequest\[2\]: .*no stick table in this section/);
});

test("a table name given twice is refused", () => {
  const m = messages(`stickTables:
  web: { type: ip, size: 10 }
frontends:
  web: { bind: ["127.0.0.1:0"], mode: http, defaultBackend: app, stickTable: { type: ip, size: 10 } }
${BASE}`);
  assert.deepEqual(m, ['frontends.web.stickTable: stick table "web" is defined twice']);
});
