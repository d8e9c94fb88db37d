/** random(N): weighted draws, the least loaded wins. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { random } from "../../../src/lb/random.ts";
import { farm, seeded } from "./fake.ts";

function shareOfB(draws: number): number {
  const servers = farm(["a", "b"]);
  servers[0]!.cur = 10;
  const b = random.create(servers, { draws }, { random: seeded(7) });
  let n = 0;
  for (let i = 0; i < 4000; i++) if (b.pick()?.name === "b") n++;
  return n / 4000;
}

test("random(2) prefers the less loaded of its two draws", () => {
  // b wins unless both draws land on a: 3/4 of the picks.
  assert.ok(Math.abs(shareOfB(2) - 0.75) < 0.03, `b got ${shareOfB(2)}`);
});

test("random(1) ignores load; random(3) prefers the idle server more", () => {
  assert.ok(Math.abs(shareOfB(1) - 0.5) < 0.03);
  assert.ok(Math.abs(shareOfB(3) - 0.875) < 0.03);
});

test("random() draws by weight", () => {
  const b = random.create(farm(["a", "b"], [1, 3]), { draws: 1 }, { random: seeded(1) });
  let a = 0;
  for (let i = 0; i < 4000; i++) if (b.pick()?.name === "a") a++;
  assert.ok(Math.abs(a / 4000 - 0.25) < 0.03, `a got ${a}`);
});

test("random() picks the exact draw a given number points at", () => {
  const values = [0.1, 0.9];
  const b = random.create(farm(["a", "b"]), { draws: 1 }, { random: () => values.shift()! });
  assert.deepEqual([b.pick()?.name, b.pick()?.name], ["a", "b"]);
});
