/** Tests for a frontend's `bind`: one "host:port" string is a list of one, in the schema and the JSON Schema. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { configJsonSchema, parseConfigText } from "../../../src/config/mod.ts";

function config(bind: string): string {
  return `frontends:\n  web: { bind: ${bind}, defaultBackend: app }\nbackends:\n  app: {}\n`;
}

test('bind: "host:port" is a list of one bind', () => {
  const one = parseConfigText(config('"127.0.0.1:8080"'), "t.yaml");
  const list = parseConfigText(config('["127.0.0.1:8080"]'), "t.yaml");
  assert.ok(one.ok && list.ok);
  assert.deepEqual(one.config.frontends["web"]!.bind, [{ host: "127.0.0.1", port: 8080 }]);
  assert.deepEqual(one.config.frontends["web"]!.bind, list.config.frontends["web"]!.bind);
});

test("bind: a bad single string is reported at bind, an empty list and a number too", () => {
  const cases: [string, string][] = [
    ['"nope"', 'expected host:port, got "nope"'],
    ["[]", "a frontend needs at least one bind address"],
    ["5", "expected a string or a list"],
  ];
  for (const [bind, message] of cases) {
    const r = parseConfigText(config(bind), "t.yaml");
    assert.ok(!r.ok, bind);
    assert.deepEqual(r.errors.map((e) => [e.line, e.path, e.message]), [
      [2, "frontends.web.bind", message],
    ], bind);
  }
});

test("configJsonSchema() allows bind as one string or a list", () => {
  type Node = { anyOf?: Node[]; type?: string; minItems?: number };
  const schema = configJsonSchema() as {
    properties: { frontends: { additionalProperties: { properties: { bind: Node } } } };
  };
  const bind = schema.properties.frontends.additionalProperties.properties.bind;
  assert.deepEqual(bind.anyOf?.map((n) => n.type), ["string", "array"]);
  assert.equal(bind.anyOf?.[1]?.minItems, 1);
});
