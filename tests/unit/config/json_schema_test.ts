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
    "shared",
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

test("configJsonSchema() durations: the schema refuses and accepts what check does", async () => {
  const { parseDuration } = await import("../../../src/config/mod.ts");
  const node = at(configJsonSchema() as Schema, "defaults", "timeout", "connect") as Schema & {
    pattern: string;
    minimum: number;
  };
  const schemaOk = (v: string | number) =>
    typeof v === "number" ? v >= node.minimum : new RegExp(node.pattern).test(v);
  const checkOk = (v: string | number) => {
    try {
      parseDuration(v);
      return true;
    } catch {
      return false;
    }
  };
  const values = [
    "5s",
    "5 s",
    " 5s ",
    "1m30s",
    "1.5h",
    ".5s",
    "250ms",
    "5",
    "5.5",
    "5x",
    "",
    "s",
    "1hms",
    "5mss",
    "1ms5s",
    "-1s",
    0,
    250,
    -1,
  ];
  for (const v of values) {
    assert.equal(schemaOk(v), checkOk(v), `${JSON.stringify(v)}: schema and check disagree`);
  }
  assert.equal(schemaOk("5 s"), false);
});
