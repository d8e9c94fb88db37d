/** Tests for configJsonSchema(): the input format, with help text. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { configJsonSchema } from "../../../src/config/mod.ts";

type Schema = {
  type?: unknown;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  description?: string;
  default?: unknown;
  enum?: unknown[];
};

function at(schema: Schema, ...path: string[]): Schema {
  let node = schema;
  for (const key of path) {
    const next = key === "*"
      ? (node.additionalProperties as Schema | undefined)
      : key === "[]"
      ? node.items
      : node.properties?.[key];
    assert.ok(next, `schema has no ${path.join(".")} (stuck at ${key})`);
    node = next;
  }
  return node;
}

test("configJsonSchema() is plain JSON describing the sections", () => {
  const schema = JSON.parse(JSON.stringify(configJsonSchema())) as Schema & { $schema: string };
  assert.match(schema.$schema, /json-schema\.org/);
  assert.equal(schema.type, "object");
  assert.deepEqual(Object.keys(schema.properties ?? {}).sort(), [
    "backends",
    "defaults",
    "frontends",
    "global",
    "stickTables",
    "userlists",
  ]);
  assert.equal(schema.additionalProperties, false);
});

test("configJsonSchema() lets durations be strings or numbers, with defaults as written", () => {
  const schema = configJsonSchema() as Schema;
  const connect = at(schema, "defaults", "timeout", "connect");
  assert.deepEqual(connect.type, ["string", "number"]);
  assert.equal(connect.default, "5s");
  assert.deepEqual(at(schema, "frontends", "*", "timeout", "client").type, ["string", "number"]);
  assert.equal(at(schema, "global", "hardStopAfter").default, "30s");
});

test("configJsonSchema() shows addresses as strings and carries descriptions", () => {
  const schema = configJsonSchema() as Schema;
  const binds = at(schema, "frontends", "*", "bind") as { anyOf?: Schema[] };
  assert.deepEqual(binds.anyOf?.map((s) => s.type), ["string", "array"], "one host:port or a list");
  const bind = at(binds.anyOf![1]!, "[]") as { anyOf?: Schema[] };
  assert.deepEqual(bind.anyOf?.map((s) => s.type), ["string", "object"], "host:port or an object");
  assert.equal(at(schema, "backends", "*", "servers", "[]", "address").type, "string");
  assert.equal(at(schema, "backends", "*", "balance").type, "string");
  for (
    const path of [["frontends", "*", "defaultBackend"], [
      "backends",
      "*",
      "servers",
      "[]",
      "weight",
    ]]
  ) {
    assert.ok((at(schema, ...path).description ?? "").length > 10, `no description at ${path}`);
  }
});
