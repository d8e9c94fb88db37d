/** Tests for observe, onError, onMarkedDown/Up and drain: planned, or refused where inert. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkPlans } from "../../../src/plan/checks.ts";
import { effective, parseConfigText } from "../../../src/config/mod.ts";
import { planFromConfig } from "../../../src/plan/plan.ts";

function config(servers: string, mode = "http") {
  return `
frontends:
  web: { bind: ["127.0.0.1:0"], defaultBackend: app, mode: ${mode} }
backends:
  app:
    mode: ${mode}
    servers:
${servers}
`;
}

function messages(text: string): string[] {
  const r = parseConfigText(text, "t.yaml");
  if (r.ok) assert.fail("expected the config to be refused");
  return r.errors.map((e) => `${e.path}: ${e.message}`);
}

test("observe, errorLimit and onError reach the check plan, with HAProxy's defaults", async () => {
  const r = parseConfigText(
    config(`      - { name: a, address: "10.0.0.1:80", check: true, observe: layer7 }
      - { name: b, address: "10.0.0.2:80", check: true, observe: layer4, errorLimit: 3, onError: mark-down }
      - { name: c, address: "10.0.0.3:80", check: true, onMarkedDown: shutdown-sessions, drain: true }`),
    "t.yaml",
  );
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  const plans = checkPlans(effective(r.config).backends);
  assert.deepEqual(plans.map((p) => p.observe ?? null), [
    { layer: "layer7", errorLimit: 10, onError: "fastinter" },
    { layer: "layer4", errorLimit: 3, onError: "mark-down" },
    null,
  ]);
  const servers = (await planFromConfig(r.config)).backends[0]!.servers;
  assert.equal(servers[2]!.onMarkedDown, "shutdown-sessions");
  assert.equal(servers[2]!.drain, true);
});

test("config check refuses observe without check, layer7 in tcp, inert onError/onMarked*", () => {
  assert.deepEqual(
    messages(config(`      - { name: a, address: "10.0.0.1:80", observe: layer4, errorLimit: 2 }
      - { name: b, address: "10.0.0.2:80", check: true, onError: mark-down }
      - { name: c, address: "10.0.0.3:80", onMarkedDown: shutdown-sessions }
      - { name: d, address: "10.0.0.4:80", check: true, backup: true, onMarkedUp: shutdown-backup-sessions }`)),
    [
      'backends.app.servers[0].observe: observe needs check: true on server "a": errors in ' +
      "traffic act on its checks",
      'backends.app.servers[1].onError: onError has no effect without observe on server "b"',
      'backends.app.servers[2].onMarkedDown: onMarkedDown needs check: true on server "c": only ' +
      "health checks change its state",
      "backends.app.servers[3].onMarkedUp: onMarkedUp acts for active servers only, but server " +
      '"d" is a backup',
    ],
  );
  assert.deepEqual(
    messages(
      config(`      - { name: a, address: "10.0.0.1:80", check: true, observe: layer7 }`, "tcp"),
    ),
    ['backends.app.servers[0].observe: observe layer7 needs http mode but backend "app" is in tcp mode'],
  );
  assert.match(
    messages(
      config(`      - { name: a, address: "10.0.0.1:80", check: true, observe: layer3 }`),
    )[0]!,
    /observe/,
  );
  assert.match(
    messages(
      config(
        `      - { name: a, address: "10.0.0.1:80", check: true, observe: layer4, errorLimit: 0 }`,
      ),
    )[0]!,
    /errorLimit/,
  );
});
