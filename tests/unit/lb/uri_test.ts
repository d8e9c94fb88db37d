/** uri: what part of the URI is hashed (len, depth, whole, path-only), and stability across restarts. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { uriKey, type UriOptions } from "../../../src/lb/_keys.ts";
import { uri } from "../../../src/lb/uri.ts";
import { farm, request } from "./fake.ts";

const DEFAULT: UriOptions = { len: 0, depth: 0, whole: false, pathOnly: false };

function key(target: string, o: Partial<UriOptions> = {}): string {
  return uriKey(request(target), { ...DEFAULT, ...o });
}

test("uriKey() stops at the '?' unless whole", () => {
  assert.equal(key("/a/b?x=1"), "/a/b");
  assert.equal(key("/a/b?x=1", { whole: true }), "/a/b?x=1");
});

test("uriKey() keeps len characters and depth directories", () => {
  assert.equal(key("/images/2024/cat.png", { len: 7 }), "/images");
  assert.equal(key("/images/2024/cat.png", { depth: 1 }), "/images");
  assert.equal(key("/images/2024/cat.png", { depth: 2 }), "/images/2024");
  assert.equal(key("/images/2024/cat.png", { depth: 3 }), "/images/2024/cat.png");
  assert.equal(key("/a/b/c?q", { depth: 2, whole: true }), "/a/b");
  assert.equal(key("/a/b/c", { depth: 2, len: 3 }), "/a/");
});

test("uriKey() hashes an absolute URI whole unless path-only", () => {
  assert.equal(key("http://example.com/a/b?q", { whole: true }), "http://example.com/a/b?q");
  assert.equal(key("http://example.com/a/b?q", { pathOnly: true }), "/a/b");
  assert.equal(key("http://example.com/a/b?q", { pathOnly: true, whole: true }), "/a/b?q");
  // depth counts every "/", the two of "http://" too, as HAProxy does.
  assert.equal(key("http://example.com/a/b", { depth: 3 }), "http://example.com/a");
});

test("uri() sends the same URI to the same server, across two fresh balancers (a restart)", () => {
  const targets = Array.from({ length: 200 }, (_, i) => `/static/${i}.js?v=${i % 3}`);
  for (const options of [undefined, { hashType: "consistent" as const }]) {
    const run = () => {
      const b = uri.create(farm(["a", "b", "c"]), undefined, options);
      return targets.map((t) => b.pick({ http: request(t) })?.name);
    };
    const first = run();
    assert.deepEqual(run(), first);
    assert.equal(new Set(first).size, 3);
  }
});

test("uri() with depth 1 sends a whole directory to one server", () => {
  const b = uri.create(farm(["a", "b", "c", "d"]), { ...DEFAULT, depth: 1 });
  for (const dir of ["/img", "/css", "/js", "/api"]) {
    const names = new Set(
      Array.from({ length: 20 }, (_, i) => b.pick({ http: request(`${dir}/${i}`) })?.name),
    );
    assert.equal(names.size, 1, `${dir} spread over ${[...names]}`);
  }
});

test("uri() picks round-robin outside HTTP", () => {
  const b = uri.create(farm(["a", "b"]));
  assert.deepEqual([b.pick({ src: "1.2.3.4" })?.name, b.pick()?.name], ["a", "b"]);
});
