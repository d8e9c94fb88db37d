/** Tests for the cross-section checks, each with its path and line. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type ConfigError, parseConfigText } from "../../../src/config/mod.ts";

function errors(text: string): [number | undefined, string, string][] {
  const result = parseConfigText(text, "t.yaml");
  if (result.ok) assert.fail("expected the config to be refused");
  return result.errors.map((e: ConfigError) => [e.line, e.path, e.message]);
}

test("crossCheck: defaultBackend must name a backend", () => {
  assert.deepEqual(
    errors(`frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: nope }
backends:
  app: {}
  api: {}
`),
    [[2, "frontends.web.defaultBackend", 'unknown backend "nope" (known: app, api)']],
  );
});

test("crossCheck: a frontend without defaultBackend has nowhere to send traffic", () => {
  assert.deepEqual(
    errors(`frontends:
  web:
    bind: ["127.0.0.1:0"]
`),
    [[2, "frontends.web", 'frontend "web" has no defaultBackend: it has nowhere to send traffic']],
  );
});

test("crossCheck: server names are unique within a backend", () => {
  assert.deepEqual(
    errors(`frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app }
backends:
  app:
    servers:
      - { name: s1, address: "127.0.0.1:1" }
      - { name: s2, address: "127.0.0.1:2" }
      - { name: s1, address: "127.0.0.1:3" }
  other:
    servers:
      - { name: s1, address: "127.0.0.1:1" }
`),
    [[8, "backends.app.servers[2].name", 'duplicate server name "s1" (also servers[0])']],
  );
});

test("crossCheck: a bind address is used once, within and across frontends", () => {
  assert.deepEqual(
    errors(`frontends:
  a: { bind: ["127.0.0.1:7000", "127.0.0.1:0", "127.0.0.1:0"], defaultBackend: app }
  b:
    bind:
      - "127.0.0.1:7001"
      - "127.0.0.1:7000"
      - "127.0.0.1:7001"
    defaultBackend: app
backends:
  app: {}
`),
    [
      [6, "frontends.b.bind[1]", 'address 127.0.0.1:7000 is already bound by frontend "a"'],
      [
        7,
        "frontends.b.bind[2]",
        "address 127.0.0.1:7001 is already bound by this frontend (bind[0])",
      ],
    ],
  );
});

test("crossCheck: a frontend's mode matches its default backend's", () => {
  assert.deepEqual(
    errors(`defaults: { mode: http }
frontends:
  web: { bind: ["127.0.0.1:0"], mode: tcp, defaultBackend: app }
  api: { bind: ["127.0.0.1:0"], defaultBackend: db }
backends:
  app: {}
  db: { mode: tcp }
`),
    [
      [
        3,
        "frontends.web.mode",
        'frontend "web" is in tcp mode but its default backend "app" is in http mode',
      ],
      [
        4,
        "frontends.api.defaultBackend",
        'frontend "api" is in http mode but its default backend "db" is in tcp mode',
      ],
    ],
  );
});

test("crossCheck: all cross-section errors come at once", () => {
  const found = errors(`frontends:
  a: { bind: ["127.0.0.1:7000"], defaultBackend: nope }
  b: { bind: ["127.0.0.1:7000"] }
backends:
  app:
    servers: [{ name: x, address: "h:1" }, { name: x, address: "h:2" }]
`);
  assert.deepEqual(found.map(([line, path]) => [line, path]), [
    [2, "frontends.a.defaultBackend"],
    [3, "frontends.b.bind[0]"],
    [3, "frontends.b"],
    [6, "backends.app.servers[1].name"],
  ]);
});

test("crossCheck: a backend with no servers is allowed", () => {
  const result = parseConfigText(
    `frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app }
backends:
  app: { servers: [] }
`,
    "t.yaml",
  );
  assert.ok(result.ok, JSON.stringify(result));
});
