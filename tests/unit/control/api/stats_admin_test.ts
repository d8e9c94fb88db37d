/** Tests for the stats admin form's mapping onto runtime command lines. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { formCommands } from "../../../../src/control/api/stats_admin.ts";

test("formCommands() maps HAProxy's actions to runtime commands", () => {
  const cases: [string, string][] = [
    ["ready", "set server b/s state ready"],
    ["drain", "set server b/s state drain"],
    ["maint", "set server b/s state maint"],
    ["dhlth", "disable health b/s"],
    ["ehlth", "enable health b/s"],
    ["shutdown", "shutdown sessions server b/s"],
  ];
  for (const [action, line] of cases) {
    assert.deepEqual(formCommands(`s=s&action=${action}&b=b`), { lines: [line] });
  }
});

test("formCommands() refuses forms as HAProxy: ERRP, UNKN, NONE, and names with spaces", () => {
  assert.deepEqual(formCommands("s=s&action=maint"), { status: "ERRP" });
  assert.deepEqual(formCommands("s=s&action=explode&b=b"), { status: "UNKN" });
  assert.deepEqual(formCommands("action=maint&b=b"), { status: "NONE" });
  assert.deepEqual(formCommands("s=s1%20state%20ready&action=maint&b=b"), { status: "ERRP" });
});
