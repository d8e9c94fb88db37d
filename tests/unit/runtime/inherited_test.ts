/** inheritedFromEnv: the sockets a predecessor handed over, taken once by configured address; the rest closed. */
import assert from "node:assert/strict";
import { closeSync, fstatSync, openSync } from "node:fs";
import process from "node:process";
import { test } from "node:test";
import {
  inheritedFromEnv,
  LISTEN_FDS_ENV,
  startedAsSuccessor,
} from "../../../src/runtime/inherited.ts";

test("inheritedFromEnv() without the variable hands over nothing", () => {
  delete process.env[LISTEN_FDS_ENV];
  const s = inheritedFromEnv();
  assert.equal(s.size, 0);
  assert.equal(s.take("127.0.0.1", 0), undefined);
  assert.deepEqual(s.closeRest(), []);
});

test("inheritedFromEnv() takes each socket once by host and configured port, closes the rest, clears the variable", () => {
  // two real descriptors stand for the sockets, so closing them can be observed
  const a = openSync("/dev/null", "r"), b = openSync("/dev/null", "r");
  process.env[LISTEN_FDS_ENV] = JSON.stringify([
    { host: "127.0.0.1", port: 0, fd: a },
    { host: "127.0.0.1", port: 0, fd: 99 },
    { host: "::", port: 8443, fd: b },
  ]);
  const s = inheritedFromEnv();
  assert.equal(process.env[LISTEN_FDS_ENV], undefined, "read once, not passed on");
  assert.equal(startedAsSuccessor(), true);
  assert.equal(s.size, 3);
  assert.equal(s.take("127.0.0.1", 0), a, "declaration order");
  assert.equal(s.take("127.0.0.1", 0), 99);
  assert.equal(s.take("127.0.0.1", 0), undefined, "each one once");
  assert.equal(s.take("::", 443), undefined, "the configured port must match");
  assert.deepEqual(s.closeRest(), [":::8443"]);
  assert.throws(() => fstatSync(b), /EBADF|bad file/i, "the socket nobody took is closed");
  assert.equal(s.size, 0);
  closeSync(a);
});

test("inheritedFromEnv() refuses a malformed variable, naming it", () => {
  process.env[LISTEN_FDS_ENV] = `[{"host":"x","port":1,"fd":1}]`;
  assert.throws(() => inheritedFromEnv(), new RegExp(`${LISTEN_FDS_ENV}: expected`));
  process.env[LISTEN_FDS_ENV] = "nope";
  assert.throws(() => inheritedFromEnv(), new RegExp(`${LISTEN_FDS_ENV}: expected`));
  delete process.env[LISTEN_FDS_ENV];
});
