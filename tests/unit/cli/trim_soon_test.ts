/** trimSoon(): the runtime's start-up trim runs once per delay. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { trimSoon } from "../../../src/cli/trim_soon.ts";
import type { Runtime } from "../../../src/runtime/types.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("trimSoon() calls runtime.trimStartup once per delay", async () => {
  let calls = 0;
  const runtime = { trimStartup: () => Promise.resolve(++calls) } as unknown as Runtime;
  trimSoon(runtime, [0, 20]);
  await sleep(5);
  assert.equal(calls, 1, "the first delay passed");
  await sleep(60);
  assert.equal(calls, 2, "both delays passed");
});
