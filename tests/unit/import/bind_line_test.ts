/** Tests for parseBind(): `bind` lines of a haproxy.cfg to tsproxy bind entries. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseBind } from "../../../src/import/bind_line.ts";

test("parseBind() takes proto h2 on a clear bind (tsproxy reads the h2c preface on every one)", () => {
  assert.deepEqual(parseBind(["bind", "127.0.0.1:80", "proto", "h2"]), {
    binds: ["127.0.0.1:80"],
    problems: [],
  });
});

test("parseBind() refuses proto h2 with ssl and other protos, saying why", () => {
  assert.deepEqual(
    parseBind(["bind", ":443", "ssl", "crt", "/c.pem", "proto", "h2"]).problems,
    ["proto h2 with ssl: tsproxy speaks HTTP/2 over TLS by ALPN h2"],
  );
  assert.deepEqual(parseBind(["bind", ":80", "proto", "quic"]).problems, [
    "proto quic: tsproxy has h2 (prior knowledge) only",
  ]);
});
