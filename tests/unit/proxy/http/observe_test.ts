/** Tests for countFailure(): which failures are response errors (eresp) and what observe hears. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Backend } from "../../../../src/backend/backend.ts";
import type { ResponseFailureKind } from "../../../../src/backend/server_hooks.ts";
import {
  failure,
  invalidResponse,
  SERVER_TIMEOUT,
  serverClosed,
} from "../../../../src/failure/failure.ts";
import { countFailure } from "../../../../src/proxy/http/observe.ts";

test("countFailure() counts SH/sH/SD answers as eresp and tells observe their kind", () => {
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
  const badBody = failure("server-abort", "forward-response", {
    status: 502,
    reason: "bad chunk size",
    observe: "junk",
  });
  const answered = [
    serverClosed(false),
    invalidResponse("invalid status line"),
    SERVER_TIMEOUT,
    badBody,
  ];
  assert.deepEqual(answered.map((f) => f.termination), ["SH", "SH", "sH", "SD"]);
  for (const f of answered) countFailure(f, be, s1);
  assert.deepEqual(heard, ["closed", "junk", "timeout", "junk"]);
  const refused = failure("server-abort", "connect", { status: 503, retryOn: "conn-failure" });
  const denied = failure("proxy", "http-response-rules", { status: 502 });
  const badRequest = failure("proxy", "wait-request", { status: 400 });
  assert.deepEqual([refused, denied, badRequest].map((f) => f.termination), ["SC", "PH", "PR"]);
  for (const f of [refused, denied, badRequest]) countFailure(f, be, s1);
  countFailure(serverClosed(false), be, null);
  assert.equal(heard.length, 4, "connect failures and the proxy's own refusals are not eresp");
  assert.deepEqual([s1.counters.eresp, be.counters.eresp], [4, 4]);
});
