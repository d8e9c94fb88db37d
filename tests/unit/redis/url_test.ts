/** Redis URLs: host, port, database, password, user and TLS read from redis:// and rediss://. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { maskRedisUrl, parseRedisUrl } from "../../../src/redis/url.ts";

test("parseRedisUrl() reads host, port and database, with Redis's defaults", () => {
  assert.deepEqual(parseRedisUrl("redis://127.0.0.1:6380/2"), {
    host: "127.0.0.1",
    port: 6380,
    tls: false,
    db: 2,
  });
  assert.deepEqual(parseRedisUrl("redis://cache"), {
    host: "cache",
    port: 6379,
    tls: false,
    db: 0,
  });
  assert.deepEqual(parseRedisUrl("rediss://[::1]:7000/"), {
    host: "::1",
    port: 7000,
    tls: true,
    db: 0,
  });
});

test("parseRedisUrl() reads a password alone, or a user and a password, percent-decoded", () => {
  assert.equal(parseRedisUrl("redis://:p%40ss@h/1").password, "p@ss");
  assert.equal(parseRedisUrl("redis://:p%40ss@h/1").username, undefined);
  const both = parseRedisUrl("redis://app:secret@h");
  assert.equal(both.username, "app");
  assert.equal(both.password, "secret");
});

test("parseRedisUrl() says what is wrong with a bad URL", () => {
  assert.throws(() => parseRedisUrl("127.0.0.1:6379"), /not a URL/);
  assert.throws(() => parseRedisUrl("http://h"), /scheme must be redis/);
  assert.throws(() => parseRedisUrl("redis://h/x"), /database number, not "x"/);
  assert.throws(() => parseRedisUrl("nonsense"), /not a URL/);
});

test("maskRedisUrl() hides the password only", () => {
  assert.equal(maskRedisUrl("redis://:secret@h:1/0"), "redis://:***@h:1/0");
  assert.equal(maskRedisUrl("rediss://u:secret@h"), "rediss://u:***@h");
  assert.equal(maskRedisUrl("redis://h:1/0"), "redis://h:1/0");
});
