/** Tests for the control plane's config: a frontend's `stats`, `global.api`, and their checks. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type ConfigError, parseConfigText } from "../../../src/config/mod.ts";
import { statsOf } from "../../../src/config/stats_admin.ts";

const BASE = `backends:
  app: { mode: http, servers: [{ name: s1, address: "127.0.0.1:8080" }] }
`;

function load(text: string) {
  return parseConfigText(text + BASE, "t.yaml");
}

function errors(text: string): [number | undefined, string, string][] {
  const r = load(text);
  if (r.ok) assert.fail("expected the config to be refused");
  return r.errors.map((e: ConfigError) => [e.line, e.path, e.message]);
}

test("global.api binds loopback 127.0.0.1:9100 unless told otherwise", () => {
  const r = load(`global:
  api: { tokens: [{ name: ops, token: "0123456789abcdef" }] }
`);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  assert.deepEqual(r.config.global.api?.bind.map((b) => `${b.host}:${b.port}`), ["127.0.0.1:9100"]);
});

test("global.api refuses a short token, both token and tokenFile, and a password that is no hash", () => {
  const errs = errors(`global:
  api:
    tokens: [{ name: a, token: short }, { name: b, token: "0123456789abcdef", tokenFile: f }]
    users: [{ name: u, password: plain }]
`).map(([, path, msg]) => `${path}: ${msg}`).join("\n");
  assert.match(errs, /tokens\[0\]\.token: a token needs at least 16 characters/);
  assert.match(errs, /tokens\[1\]: give exactly one of token or tokenFile/);
  assert.match(errs, /users\[0\]\.password: expected a crypt\(3\) hash/);
});

test("stats: a frontend's own settings, else the defaults'", () => {
  const r = load(`defaults: { mode: http, stats: { uri: /d } }
frontends:
  a: { bind: "127.0.0.1:0", defaultBackend: app, stats: { uri: /s, refresh: 10s, auth: ["u:p"] } }
  b: { bind: "127.0.0.1:0", defaultBackend: app }
`);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  const a = statsOf(r.config, "a")!;
  assert.deepEqual([a.uri, a.refresh, a.auth, a.realm], [
    "/s",
    10000,
    ["u:p"],
    "HAProxy Statistics",
  ]);
  assert.equal(statsOf(r.config, "b")?.uri, "/d");
});

test("stats.admin is compiled as a rule condition: an unknown ACL is reported at its path", () => {
  assert.deepEqual(
    errors(`frontends:
  web:
    bind: "127.0.0.1:0"
    mode: http
    defaultBackend: app
    stats: { admin: "if NOPE" }
`).map(([line, path]) => [line, path]),
    [[6, "frontends.web.stats.admin"]],
  );
});
