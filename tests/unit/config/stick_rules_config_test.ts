/** A backend's `stick` and `tcpRequest` lists in the config: server_id added to the tables stick rules use, errors located. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type ConfigError, parseConfigText } from "../../../src/config/mod.ts";
import { stickTableSpecs } from "../../../src/config/stick_table.ts";

const FE = `frontends:
  web: { bind: ["127.0.0.1:0"], mode: http, defaultBackend: app }
`;

function load(text: string) {
  const r = parseConfigText(text, "t.yaml");
  return {
    r,
    errors: r.ok ? [] : r.errors.map((e: ConfigError) => `${e.path}: ${e.message}`),
  };
}

test("stick rules load; the tables they use store server_id, the others do not", () => {
  const { r, errors } = load(`stickTables:
  sessions: { type: string, len: 32, size: 1k, expire: 30m }
  other: { type: ip, size: 10, store: [gpc0] }
${FE}backends:
  app:
    mode: http
    stickTable: { type: ip, size: 1m, expire: 30m }
    stick:
      - on src
      - store-response res.cook(SID) table sessions
      - match req.cook(SID) table sessions if { req.cook(SID) -m found }
    tcpRequest: ["content reject if { src 192.0.2.0/24 }"]
    servers: [{ name: s1, address: "127.0.0.1:1" }]
`);
  assert.deepEqual(errors, []);
  assert.ok(r.ok);
  const specs = stickTableSpecs(r.config);
  const names = (t: string) => specs.get(t)!.store.map((s) => s.type.name);
  assert.deepEqual(names("app"), ["server_id"]);
  assert.deepEqual(names("sessions"), ["server_id"]);
  assert.deepEqual(names("other"), ["gpc0"]);
});

test("stick without a table, a bad stick line and a backend tcpRequest connection rule are located errors", () => {
  const { errors } = load(`${FE}backends:
  app:
    mode: http
    stick: ["on src", "on req.cook(SID) table nope"]
    tcpRequest: ["connection reject", "content rejekt"]
    servers: [{ name: s1, address: "127.0.0.1:1" }]
`);
  assert.deepEqual(errors.map((e) => e.replace(/ at column \d+.*/, "")).sort(), [
    "backends.app.stick[0]: backend has no stickTable: declare one or name a table (stick on src table NAME)",
    'backends.app.stick[1]: unknown stick table "nope" (tables: none)',
    'backends.app.tcpRequest[0]: "connection" rules run at accept, before any backend: put them in the frontend',
    'backends.app.tcpRequest[1]: unknown tcp-request content action "rejekt"',
  ]);
});

test("track-sc0 is allowed at tcpRequest connection, with connection fetches only", () => {
  const { errors } = load(`${
    FE.replace(
      "defaultBackend: app }",
      `defaultBackend: app,
    stickTable: { type: ip, size: 10, store: [conn_cur] },
    tcpRequest: ["connection track-sc0 src", "connection reject if { sc_conn_cur(0) gt 2 }",
      "connection track-sc1 req.payload(0,4)"] }`,
    )
  }backends:
  app: { mode: http, servers: [{ name: s1, address: "127.0.0.1:1" }] }
`);
  assert.equal(errors.length, 1, errors.join("\n"));
  assert.match(errors[0]!, /tcpRequest\[2\]: "req.payload" reads the request; a connection rule/);
});
