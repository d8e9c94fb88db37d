/** Tests for one-pass checking: schema errors and the cross-checks of the valid parts together, without cascades. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseConfigText } from "../../../src/config/mod.ts";

function messages(text: string): string[] {
  const r = parseConfigText(text, "t.yaml");
  assert.ok(!r.ok, "the config should be refused");
  return r.errors.map((e) => `${e.line}: ${e.path}: ${e.message}`);
}

test("parseConfigText() reports a bad server address and an unknown defaultBackend at once", () => {
  assert.deepEqual(
    messages(`frontends:
  web: { bind: "127.0.0.1:0", defaultBackend: nope }
backends:
  app:
    servers: [{ name: a, address: "10.0.0.1" }]
`),
    [
      '2: frontends.web.defaultBackend: unknown backend "nope" (known: app)',
      '5: backends.app.servers[0].address: expected host:port, got "10.0.0.1"',
    ],
  );
});

test("a backend that failed validation still counts as known, with its servers", () => {
  assert.deepEqual(
    messages(`defaults: { mode: http }
frontends:
  web:
    bind: "127.0.0.1:0"
    defaultBackend: app
    useBackend: ["app if { srv_conn(app/a) gt 1 }"]
backends:
  app:
    servers: [{ name: a, address: "127.0.0.1:1", weight: 999 }]
`),
    ["9: backends.app.servers[0].weight: must be at most 256, got 999"],
  );
});

test("a frontend with schema errors is trimmed: its other rules are still compiled", () => {
  assert.deepEqual(
    messages(`defaults: { mode: http }
frontends:
  web:
    bind: "127.0.0.1:0"
    defaultBackend: app
    timeout: { client: 5x }
    httpRequest: ["dny"]
backends:
  app: {}
`),
    [
      '6: frontends.web.timeout.client: Cannot parse duration "5x": unknown unit "x"',
      '7: frontends.web.httpRequest[0]: unknown action "dny" at column 1 (did you mean "deny"?)',
    ],
  );
});

test("no cascade: a frontend missing a key it needs is not cross-checked", () => {
  // default_backend would otherwise also read as "has no defaultBackend", a bad mode as tcp
  assert.deepEqual(
    messages(`frontends:
  web: { bind: "127.0.0.1:0", default_backend: app }
  api: { bind: "127.0.0.1:1", mode: htp, defaultBackend: app, httpRequest: [deny] }
backends:
  app: { mode: http }
`),
    [
      '2: frontends.web.default_backend: unknown key "default_backend": did you mean "defaultBackend"?',
      '3: frontends.api.mode: expected "tcp" or "http", got "htp"',
    ],
  );
});

test("no cross-checks when defaults or backends are themselves wrong", () => {
  assert.deepEqual(
    messages(`defaults: { mode: udp }
frontends:
  web: { bind: "127.0.0.1:0", defaultBackend: nope }
`),
    ['1: defaults.mode: expected "tcp" or "http", got "udp"'],
  );
  assert.deepEqual(
    messages(`backend:
  app: {}
frontends:
  web: { bind: "127.0.0.1:0", defaultBackend: app }
`),
    ['1: backend: unknown key "backend": did you mean "backends"?'],
  );
});
