/** Tests for responseFailed(): which proxy answers are response errors (eresp) and what observe hears. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Backend } from "../../../../src/backend/backend.ts";
import type { ResponseFailureKind } from "../../../../src/backend/server_hooks.ts";
import { responseFailed, SERVER_CLOSED } from "../../../../src/proxy/http/observe.ts";

test("responseFailed() counts SH/sH/SD answers as eresp and tells observe their kind", () => {
  const be = new Backend({
    name: "app",
    mode: "http",
    balance: { name: "roundrobin" },
    hashType: "map-based",
    hashBalanceFactor: 0,
    retries: 0,
    connectTimeout: 1000,
    serverTimeout: 1000,
    poolMaxConn: 0,
    poolPurgeDelay: 1000,
    servers: [{ name: "s1", host: "127.0.0.1", port: 1, weight: 1 }],
  });
  const s1 = be.servers[0]!;
  const heard: ResponseFailureKind[] = [];
  s1.observer = { connected() {}, status() {}, responseFailed: (k) => void heard.push(k) };
  responseFailed(be, s1, "SH", SERVER_CLOSED);
  responseFailed(be, s1, "SH", "invalid status line");
  responseFailed(be, s1, "sH", "server timeout");
  responseFailed(be, s1, "SD", "bad chunk size");
  assert.deepEqual(heard, ["closed", "junk", "timeout", "junk"]);
  for (const [t, why] of [["SC", "connection refused"], ["PH", "denied"], ["PR", "x"]]) {
    responseFailed(be, s1, t!, why!);
  }
  responseFailed(be, null, "SH", SERVER_CLOSED);
  assert.equal(heard.length, 4, "connect failures and the proxy's own refusals are not eresp");
  assert.deepEqual([s1.counters.eresp, be.counters.eresp], [4, 4]);
});
