/** Tests for unknown-key hints: haproxy.cfg spellings and near misses get "did you mean". */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseConfigText } from "../../../src/config/mod.ts";
import { intendedKey, keysAt } from "../../../src/config/key_hint.ts";
import { configSchema } from "../../../src/config/schema.ts";

function messages(text: string): string[] {
  const r = parseConfigText(text, "t.yaml");
  assert.ok(!r.ok, "the config should be refused");
  return r.errors.map((e) => `${e.line}: ${e.path}: ${e.message}`);
}

test("keysAt() finds the keys allowed at a path, through records, lists and defaults", () => {
  assert.ok(keysAt(configSchema, ["frontends", "web"]).includes("defaultBackend"));
  assert.ok(keysAt(configSchema, ["backends", "app", "servers", 0]).includes("address"));
  assert.deepEqual(keysAt(configSchema, ["defaults", "timeout"]).slice(0, 3), [
    "connect",
    "client",
    "server",
  ]);
  assert.ok(keysAt(configSchema, ["frontends", "web", "bind", 0]).includes("acceptProxy"));
  assert.deepEqual(keysAt(configSchema, ["frontends", "web", "mode"]), []);
});

test("intendedKey() turns hyphens and underscores into camelCase, else the nearest key", () => {
  const keys = ["defaultBackend", "httpRequest", "servers", "useBackend"];
  assert.equal(intendedKey("default_backend", keys), "defaultBackend");
  assert.equal(intendedKey("http-request", keys), "httpRequest");
  assert.equal(intendedKey("use_backend", keys), "useBackend");
  assert.equal(intendedKey("server", keys), "servers");
  assert.equal(intendedKey("colour", keys), undefined);
});

test("parseConfigText() hints haproxy.cfg spellings of keys at their place", () => {
  assert.deepEqual(
    messages(`frontends:
  web:
    bind: "127.0.0.1:0"
    default_backend: app
    http-request: [deny]
    timeout: { http-request: 5s }
backends:
  app:
    server: [{ name: a, address: "127.0.0.1:1" }]
    hash-type: consistent
`),
    [
      '4: frontends.web.default_backend: unknown key "default_backend": did you mean "defaultBackend"?',
      '5: frontends.web.http-request: unknown key "http-request": did you mean "httpRequest"?',
      '6: frontends.web.timeout.http-request: unknown key "http-request": did you mean "httpRequest"?',
      '9: backends.app.server: unknown key "server": did you mean "servers"?',
      '10: backends.app.hash-type: unknown key "hash-type": did you mean "hashType"?',
    ],
  );
});

test("parseConfigText() leaves a key with nothing close as a bare unknown key", () => {
  assert.deepEqual(messages(`global: { colour: blue }\n`), [
    '1: global.colour: unknown key "colour"',
  ]);
});
