/** Tests for failure(): the termination code follows from cause and phase; the side from the cause. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CAUSES,
  failure,
  invalidResponse,
  PHASES,
  SERVER_TIMEOUT,
  serverClosed,
} from "../../../src/failure/failure.ts";

test("failure() derives HAProxy's termination code from the cause and the phase", () => {
  const table: [keyof typeof CAUSES, (typeof PHASES)[number], string][] = [
    ["server-timeout", "queue", "sQ"],
    ["server-abort", "connect", "SC"],
    ["server-timeout", "connect", "sC"],
    ["server-abort", "wait-response", "SH"],
    ["server-timeout", "wait-response", "sH"],
    ["server-abort", "forward-response", "SD"],
    ["client-abort", "connect", "CC"],
    ["client-abort", "wait-response", "CH"],
    ["client-abort", "forward", "CD"],
    ["client-timeout", "wait-request", "cR"],
    ["proxy", "tcp-request-rules", "PR"],
    ["proxy", "http-request-rules", "PR"],
    ["proxy", "http-response-rules", "PH"],
    ["local", "http-request-rules", "LR"],
    ["proxy", "tarpit", "PT"],
    ["client-abort", "tarpit", "CT"],
    ["internal", "forward-response", "ID"],
    ["server-down", "tunnel", "DD"],
    ["server-up", "wait-response", "UH"],
    ["killed", "forward", "KD"],
  ];
  for (const [cause, phase, code] of table) {
    assert.equal(failure(cause, phase).termination, code, `${cause} in ${phase}`);
  }
});

test("failure() takes the side from the cause and defaults to a cut that is never retried", () => {
  const f = failure("client-timeout", "forward");
  assert.deepEqual(
    [f.side, f.status, f.retryOn, f.observe, f.reason],
    ["client", 0, null, null, ""],
  );
  assert.equal(failure("resource", "accept").side, "proxy");
  assert.equal(failure("internal", "log").side, "internal");
  for (const cause of Object.keys(CAUSES) as (keyof typeof CAUSES)[]) {
    for (const phase of PHASES) {
      assert.match(failure(cause, phase).termination, /^[CcSsPLRIDUK][RTQCHDL]$/);
    }
  }
});

test("response failures carry their retry-on condition, status and what observe learns", () => {
  assert.deepEqual(
    [serverClosed(false).retryOn, serverClosed(true).retryOn, serverClosed(false).observe],
    ["empty-response", "junk-response", "closed"],
  );
  const junk = invalidResponse("invalid status line");
  assert.deepEqual([junk.status, junk.retryOn, junk.observe, junk.reason], [
    502,
    "junk-response",
    "junk",
    "invalid status line",
  ]);
  assert.deepEqual([SERVER_TIMEOUT.status, SERVER_TIMEOUT.retryOn, SERVER_TIMEOUT.termination], [
    504,
    "response-timeout",
    "sH",
  ]);
});
