/** source: a client keeps its server across picks and restarts; round-robin without an address. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { source } from "../../../src/lb/source.ts";
import type { BalancerOptions } from "../../../src/lb/types.ts";
import { farm } from "./fake.ts";

const ADDRESSES = Array.from({ length: 200 }, (_, i) => `192.0.2.${i}`);

function placement(options?: BalancerOptions): (string | undefined)[] {
  const b = source.create(farm(["a", "b", "c", "d"]), {}, options);
  return ADDRESSES.map((src) => b.pick({ src })?.name);
}

test("source() is stable across two fresh balancers (a restart), map-based and consistent", () => {
  for (const options of [undefined, { hashType: "consistent" as const }]) {
    const first = placement(options);
    assert.deepEqual(placement(options), first);
    assert.equal(new Set(first).size, 4, "every server gets clients");
  }
});

test("source() gives the same client the same server on every pick", () => {
  const b = source.create(farm(["a", "b", "c"]));
  const name = b.pick({ src: "198.51.100.7" })?.name;
  for (let i = 0; i < 10; i++) assert.equal(b.pick({ src: "198.51.100.7" })?.name, name);
});

test("source() treats an IPv4-mapped IPv6 address as the IPv4 address", () => {
  const b = source.create(farm(["a", "b", "c", "d", "e"]));
  for (const ip of ADDRESSES.slice(0, 20)) {
    assert.equal(b.pick({ src: `::ffff:${ip}` })?.name, b.pick({ src: ip })?.name);
  }
  assert.equal(b.pick({ src: "2001:DB8::1" })?.name, b.pick({ src: "2001:db8::1" })?.name);
});

test("source() picks round-robin without a client address", () => {
  const b = source.create(farm(["a", "b", "c"]));
  assert.deepEqual(Array.from({ length: 6 }, () => b.pick({})?.name), [
    "a",
    "b",
    "c",
    "a",
    "b",
    "c",
  ]);
});
