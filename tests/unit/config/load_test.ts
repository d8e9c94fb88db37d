/** Tests for loading: every error at once, with paths and line numbers, from YAML, JSON and TS. */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  type ConfigError,
  formatConfigError,
  loadConfigFile,
  parseConfigText,
} from "../../../src/config/mod.ts";

function errorsOf(result: { ok: true } | { ok: false; errors: ConfigError[] }): ConfigError[] {
  if (result.ok) assert.fail("expected the config to be refused");
  return result.errors;
}

const BROKEN_YAML = `global:
  maxconn: -5
  hardStopAfter: 5x
defaults:
  mode: udp
frontends:
  web:
    bind: ["foo", "127.0.0.1:80"]
    defaultBackend: db
backends:
  db:
    balance: randomly
    servers:
      - { name: s1, address: "127.0.0.1:0", weight: 300 }
      - name: s2
        address: x
        extra: 1
`;

test("parseConfigText() reports every mistake at once with its path and line", () => {
  const errors = errorsOf(parseConfigText(BROKEN_YAML, "broken.yaml"));
  assert.deepEqual(errors.map((e) => [e.line, e.path]), [
    [2, "global.maxconn"],
    [3, "global.hardStopAfter"],
    [5, "defaults.mode"],
    [8, "frontends.web.bind[0]"],
    [12, "backends.db.balance"],
    [14, "backends.db.servers[0].address"],
    [14, "backends.db.servers[0].weight"],
    [16, "backends.db.servers[1].address"],
    [17, "backends.db.servers[1].extra"],
  ]);
  const lines = errors.map(formatConfigError);
  assert.ok(lines.includes(
    'broken.yaml:3: global.hardStopAfter: Cannot parse duration "5x": unknown unit "x"',
  ));
  assert.ok(
    lines.includes('broken.yaml:16: backends.db.servers[1].address: expected host:port, got "x"'),
  );
  assert.ok(lines.includes('broken.yaml:5: defaults.mode: expected "tcp" or "http", got "udp"'));
});

test("parseConfigText() names a missing required field at its enclosing object", () => {
  const errors = errorsOf(parseConfigText(
    `frontends:
  web:
    defaultBackend: app
backends:
  app:
    servers:
      - { address: "127.0.0.1:1" }
`,
    "t.yaml",
  ));
  assert.deepEqual(errors.map((e) => [e.line, e.path, e.message]), [
    [2, "frontends.web.bind", "required field is missing"],
    [7, "backends.app.servers[0].name", "required field is missing"],
  ]);
});

test("parseConfigText() reports YAML syntax errors with their lines", () => {
  const errors = errorsOf(parseConfigText(
    `frontends:
  web: { bind: ["127.0.0.1:0"
backends:
  app: {}
  app: {}
`,
    "t.yaml",
  ));
  assert.ok(errors.length >= 2, JSON.stringify(errors));
  for (const e of errors) {
    assert.equal(e.path, "");
    assert.equal(typeof e.line, "number");
    assert.match(e.message, /^syntax error: /);
  }
  assert.ok(errors.some((e) => e.line === 5 && /unique/i.test(e.message)), JSON.stringify(errors));
});

test("parseConfigText() reads JSON and reports its errors with lines", () => {
  const errors = errorsOf(parseConfigText(
    `{
  "frontends": {
    "web": {
      "bind": ["127.0.0.1:99999"],
      "defaultBackend": "app",
      "timeout": { "client": "ten seconds" }
    }
  },
  "backends": { "app": { "servers": [] } },
  "extra": true
}
`,
    "t.json",
  ));
  assert.deepEqual(errors.map((e) => [e.line, e.path]), [
    [4, "frontends.web.bind[0]"],
    [6, "frontends.web.timeout.client"],
    [10, "extra"],
  ]);
  assert.equal(formatConfigError(errors[2]!), 't.json:10: extra: unknown key "extra"');
});

test("parseConfigText() reports JSON syntax errors with a line", () => {
  const errors = errorsOf(parseConfigText('{\n  "frontends": {\n    "web": [1,,\n}\n', "t.json"));
  assert.ok(errors.length > 0);
  assert.ok(errors.every((e) => typeof e.line === "number" && e.line >= 3), JSON.stringify(errors));
});

test("parseConfigText() refuses an empty file and a non-mapping", () => {
  assert.deepEqual(errorsOf(parseConfigText("", "e.yaml")), [
    { file: "e.yaml", path: "", line: 1, message: "the file is empty" },
  ]);
  const [e] = errorsOf(parseConfigText("- a\n- b\n", "l.yaml"));
  assert.equal(e?.message, "expected a mapping, got a list");
});

test("formatConfigError() leaves out unknown parts", () => {
  assert.equal(
    formatConfigError({ file: "f.yaml", path: "a.b", line: 3, message: "m" }),
    "f.yaml:3: a.b: m",
  );
  assert.equal(formatConfigError({ file: "f.ts", path: "a.b", message: "m" }), "f.ts: a.b: m");
  assert.equal(
    formatConfigError({ file: "f.yaml", path: "", line: 1, message: "m" }),
    "f.yaml:1: m",
  );
});

test("loadConfigFile() picks the format by extension and reads TS default exports", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsproxy-load-"));
  try {
    const body = {
      frontends: { web: { bind: ["127.0.0.1:0"], defaultBackend: "app" } },
      backends: { app: { servers: [{ name: "a", address: "127.0.0.1:1" }] } },
    };
    writeFileSync(join(dir, "c.json"), JSON.stringify(body, null, 2));
    writeFileSync(join(dir, "c.yml"), "frontends: {}\n");
    const modUrl = new URL("../../../mod.ts", import.meta.url).href;
    writeFileSync(
      join(dir, "c.ts"),
      `import { defineConfig } from ${JSON.stringify(modUrl)};\n` +
        `export default defineConfig(${JSON.stringify(body)});\n`,
    );
    writeFileSync(join(dir, "bad.ts"), `export default { frontends: { web: { bind: [] } } };\n`);
    writeFileSync(join(dir, "none.ts"), `export const x = 1;\n`);
    writeFileSync(join(dir, "c.toml"), "");

    const json = await loadConfigFile(join(dir, "c.json"));
    assert.ok(json.ok);
    assert.deepEqual(json.config.frontends["web"]?.bind, [{ host: "127.0.0.1", port: 0 }]);
    assert.ok((await loadConfigFile(join(dir, "c.yml"))).ok);
    const ts = await loadConfigFile(join(dir, "c.ts"));
    assert.ok(ts.ok, JSON.stringify(ts));

    const bad = errorsOf(await loadConfigFile(join(dir, "bad.ts")));
    assert.deepEqual(bad.map((e) => [e.path, e.line]), [["frontends.web.bind", undefined]]);
    assert.match(
      errorsOf(await loadConfigFile(join(dir, "none.ts")))[0]!.message,
      /no default export/,
    );
    assert.match(
      errorsOf(await loadConfigFile(join(dir, "c.toml")))[0]!.message,
      /unsupported config file extension ".toml"/,
    );
    const missing = errorsOf(await loadConfigFile(join(dir, "missing.yaml")));
    assert.match(missing[0]!.message, /^cannot read the file: /);
    assert.equal(missing[0]!.file, join(dir, "missing.yaml"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("loadConfigFile() loads the repository's examples", async () => {
  const examples = fileURLToPath(new URL("../../../examples/", import.meta.url));
  const files = readdirSync(examples).filter((f) => /\.(ya?ml|json)$/.test(f));
  for (const name of files) {
    const result = await loadConfigFile(join(examples, name));
    assert.ok(result.ok, JSON.stringify(result));
  }
});
