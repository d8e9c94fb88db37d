/** afterIoEvents: a callback deferred past the current code (and, on Bun, past the poll's batch of socket events). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { afterIoEvents } from "../../../src/runtime/turn_end.ts";

test("afterIoEvents() runs each callback once, after the code that asked, in order", async () => {
  const seen: string[] = [];
  afterIoEvents(() => seen.push("first"));
  afterIoEvents(() => seen.push("second"));
  seen.push("now");
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(seen, ["now", "first", "second"]);
});
