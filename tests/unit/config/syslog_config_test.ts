/** global.log syslog targets and global.syslog: defaults, checked targets, bad facility names. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseConfigText } from "../../../src/config/mod.ts";

const config = (global: string) =>
  `global:\n${global}\nfrontends:\n  web:\n    bind: "127.0.0.1:0"\n    defaultBackend: app\n` +
  `backends:\n  app:\n    servers:\n      - { name: s1, address: "127.0.0.1:9" }\n`;

test("global.syslog, when given, defaults to local0, rfc5424, tag tsproxy, len 1024", () => {
  const absent = parseConfigText(config("  log: udp://127.0.0.1:514"), "a.yaml");
  assert.ok(absent.ok, JSON.stringify(!absent.ok && absent.errors));
  assert.equal(absent.config.global.log, "udp://127.0.0.1:514");
  assert.equal(absent.config.global.syslog, undefined);
  const r = parseConfigText(config("  log: udp://127.0.0.1:514\n  syslog: {}"), "a.yaml");
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  assert.deepEqual(r.config.global.syslog, {
    facility: "local0",
    framing: "rfc5424",
    tag: "tsproxy",
    len: 1024,
  });
});

test("global.syslog takes facility, framing, tag and hostname", () => {
  const r = parseConfigText(
    config(
      "  log: tcp://10.0.0.1:601\n  syslog: { facility: daemon, framing: rfc3164, tag: edge, hostname: lb1 }",
    ),
    "b.yaml",
  );
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  assert.equal(r.config.global.syslog?.facility, "daemon");
  assert.equal(r.config.global.syslog?.framing, "rfc3164");
  assert.equal(r.config.global.syslog?.hostname, "lb1");
});

test("a bad syslog target or facility is refused with its path and line", () => {
  const r = parseConfigText(config("  log: tcp://logs\n  syslog: { facility: local9 }"), "c.yaml");
  assert.ok(!r.ok);
  const text = r.errors.map((e) => `${e.path}:${e.line}: ${e.message}`).join("\n");
  assert.match(text, /global\.log:2: .*tcp needs a port/);
  assert.match(text, /global\.syslog\.facility:3: /);
});
