/** Stick table key indexes: the number index (open addressing, backward-shift removal) agrees with a Map. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MapIndex, NumberIndex } from "../../../src/stick/key_index.ts";

test("NumberIndex agrees with a Map over random adds and removes, through rehashes", () => {
  const idx = new NumberIndex(), ref = new Map<number, number>();
  const keyOf: number[] = [];
  const free: number[] = [];
  let next = 0, seed = 12345;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (let step = 0; step < 50_000; step++) {
    // a small key space makes collisions and long probe runs; keys above 2^31 as ip keys are
    const key = rand() % 3000 + (step & 1 ? 0xc0000000 : 0);
    const have = ref.get(key);
    if (have === undefined && ref.size < 2500) {
      const e = free.pop() ?? next++;
      idx.add(key, e);
      ref.set(key, e);
      keyOf[e] = key;
    } else if (have !== undefined) {
      idx.remove(have);
      ref.delete(key);
      free.push(have);
    }
    if (step % 5000 === 0 || step === 49_999) {
      assert.equal(idx.size, ref.size);
      for (const [k, e] of ref) assert.equal(idx.get(k), e, `key ${k}`);
      assert.deepEqual(
        [...idx.entries()].sort((a, b) => a - b),
        [...ref.values()].sort((a, b) => a - b),
      );
    }
  }
  for (let k = 0; k < 3000; k++) assert.equal(idx.get(k), ref.get(k) ?? -1);
  for (const [, e] of ref) assert.equal(idx.keyOf(e), keyOf[e]);
});

test("NumberIndex takes negative integer keys and refuses string keys", () => {
  const idx = new NumberIndex();
  idx.add(-5, 0);
  idx.add(5, 1);
  assert.deepEqual([idx.get(-5), idx.get(5), idx.get("x"), idx.get(6)], [0, 1, -1, -1]);
  assert.throws(() => idx.add("x", 2), /key x is not a number/);
});

test("MapIndex holds string keys by entry", () => {
  const idx = new MapIndex();
  idx.add("a", 0);
  idx.add("b", 1);
  idx.remove(0);
  assert.deepEqual([idx.size, idx.get("a"), idx.get("b"), idx.keyOf(1)], [1, -1, 1, "b"]);
});
