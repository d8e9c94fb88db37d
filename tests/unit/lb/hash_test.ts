/** hash EXPR and the fixed hash function: known values, the fetches, the caller's precomputed key. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fnv1a32, hashKey } from "../../../src/lb/_hash.ts";
import { hash } from "../../../src/lb/hash.ts";
import { farm, request } from "./fake.ts";

test("fnv1a32() gives the published FNV-1a test vectors", () => {
  assert.equal(fnv1a32(""), 0x811c9dc5);
  assert.equal(fnv1a32("a"), 0xe40c292c);
  assert.equal(fnv1a32("foobar"), 0xbf9cf968);
});

test("hashKey() never changes: keys map to the same servers across restarts and versions", () => {
  assert.deepEqual(
    [hashKey(""), hashKey("192.0.2.1"), hashKey("/index.html")],
    [2872998923, 1941296713, 528702661],
  );
});

test("hashKey() spreads keys that differ in their last character", () => {
  const buckets = new Set(Array.from({ length: 10 }, (_, i) => hashKey(`k${i}`) % 4));
  assert.ok(buckets.size >= 3);
});

test("hash() takes the caller's key first, else fetches its expression", () => {
  const servers = farm(["a", "b", "c", "d"]);
  const byKey = hash.create(servers, { fetch: "path" });
  const byPath = hash.create(servers, { fetch: "path" });
  for (let i = 0; i < 20; i++) {
    const http = request(`/p${i}`);
    assert.equal(byKey.pick({ http, key: `/p${i}` })?.name, byPath.pick({ http })?.name);
  }
});

test("hash() fetches src, path, uri, hdr and url_param", () => {
  const servers = farm(["a", "b", "c", "d", "e", "f"]);
  const http = request("/a/b?user=7&x=1", { "x-id": "abc" });
  const expect = (
    fetch: "src" | "path" | "uri" | "hdr" | "url_param",
    key: string,
    arg?: string,
  ) => {
    const b = hash.create(servers, arg === undefined ? { fetch } : { fetch, arg });
    const ref = hash.create(servers, { fetch: "path" });
    assert.equal(b.pick({ http, src: "192.0.2.9" })?.name, ref.pick({ key })?.name, fetch);
  };
  expect("src", "192.0.2.9");
  expect("path", "/a/b");
  expect("uri", "/a/b?user=7&x=1");
  expect("hdr", "abc", "x-id");
  expect("url_param", "7", "user");
});

test("hash() picks round-robin when its expression finds nothing", () => {
  const b = hash.create(farm(["a", "b", "c"]), { fetch: "hdr", arg: "x-id" });
  assert.deepEqual(
    [request("/"), request("/"), request("/")].map((http) => b.pick({ http })?.name),
    ["a", "b", "c"],
  );
});
