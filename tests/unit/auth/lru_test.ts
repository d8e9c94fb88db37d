/** Tests for Lru: bounded size, least recent dropped first, a hit refreshes. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Lru } from "../../../src/auth/lru.ts";

test("Lru drops the least recently used key when full, and a get refreshes a key", () => {
  const c = new Lru<string, number>(2);
  c.set("a", 1);
  c.set("b", 2);
  assert.equal(c.get("a"), 1); // a is now the most recent
  c.set("c", 3);
  assert.equal(c.get("b"), undefined, "b was the least recent");
  assert.deepEqual([c.get("a"), c.get("c"), c.length], [1, 3, 2]);
  c.set("a", 10);
  assert.deepEqual([c.get("a"), c.length], [10, 2]);
});

test("Lru stays at its size over many distinct keys and refuses a size under 1", () => {
  const c = new Lru<number, number>(100);
  for (let i = 0; i < 10_000; i++) c.set(i, i);
  assert.equal(c.length, 100);
  assert.equal(c.get(9999), 9999);
  assert.equal(c.get(0), undefined);
  assert.throws(() => new Lru(0), /size must be at least 1/);
});
