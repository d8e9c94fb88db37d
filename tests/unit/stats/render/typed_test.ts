/** Tests for renderTyped() and renderJson(): HAProxy's `show stat typed` lines and `show stat json` objects. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { renderJson, renderTyped } from "../../../../src/stats/render/mod.ts";
import { NOW, sampleProxy } from "./_sample.ts";

test("renderTyped(): F/S/B lines with iid, sid, position, tags and type", () => {
  const lines = renderTyped(sampleProxy(), { now: NOW }).trimEnd().split("\n");
  assert.equal(lines[0], "F.1.0.0.pxname.1:KNS:str:web");
  assert.ok(lines.includes("F.1.0.7.stot.1:MCP:u64:10"));
  assert.ok(lines.includes("S.2.1.17.status.1:SGP:str:UP"));
  assert.ok(lines.includes("S.2.2.17.status.1:SGP:str:UP 2/3"));
  assert.ok(lines.includes("B.2.0.18.weight.1:MaP:u32:2"));
  assert.ok(
    !lines.some((l) => l.includes(".qcur.") && l.startsWith("F.")),
    "no queue on a frontend",
  );
});

test("renderJson(): one array per object, fields with HAProxy's tags spelled out", () => {
  const objects = JSON.parse(renderJson(sampleProxy(), { now: NOW }));
  assert.equal(objects.length, 8);
  const status = objects[1].find((f: { field: { name: string } }) => f.field.name === "status");
  assert.deepEqual(status, {
    objType: "Server",
    proxyId: 2,
    id: 1,
    field: { pos: 17, name: "status" },
    processNum: 1,
    tags: { origin: "Status", nature: "Gauge", scope: "Process" },
    value: { type: "str", value: "UP" },
  });
  assert.equal(objects[7][0].objType, "Backend");
});
