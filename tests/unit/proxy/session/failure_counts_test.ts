/** Tests for countFailure(): which failures count where (ereq, dreq, dresp, cli_abrt, srv_abrt, eresp) and what observe hears. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ResponseFailureKind } from "../../../../src/backend/server_hooks.ts";
import {
  failure,
  invalidResponse,
  SERVER_TIMEOUT,
  serverClosed,
} from "../../../../src/failure/failure.ts";
import { countFailure } from "../../../../src/proxy/session/failure_counts.ts";
import { FrontendCounters } from "../../../../src/stats/counters.ts";
import { testBackend } from "../../_fixtures/backend.ts";
import type { Backend } from "../../../../src/backend/backend.ts";

function backend(): Backend {
  return testBackend();
}

test("countFailure() counts SH/sH/SD answers as eresp and tells observe their kind", () => {
  const be = backend(), fe = new FrontendCounters();
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
  for (const f of answered) countFailure(f, fe, be, s1);
  assert.deepEqual(heard, ["closed", "junk", "timeout", "junk"]);
  const refused = failure("server-abort", "connect", { status: 503, retryOn: "conn-failure" });
  const denied = failure("proxy", "http-response-rules", { status: 502 });
  const badRequest = failure("proxy", "wait-request", { status: 400 });
  assert.deepEqual([refused, denied, badRequest].map((f) => f.termination), ["SC", "PH", "PR"]);
  for (const f of [refused, denied, badRequest]) countFailure(f, fe, be, s1);
  countFailure(serverClosed(false), fe, be, null);
  assert.equal(heard.length, 4, "connect failures and the proxy's own refusals are not eresp");
  assert.deepEqual([s1.counters.eresp, be.counters.eresp], [4, 4]);
});

test("countFailure() counts refusals as dreq/dresp/ereq and aborts in data phases as cli_abrt/srv_abrt", () => {
  const be = backend(), fe = new FrontendCounters();
  const s1 = be.servers[0]!;
  const cases = [
    failure("proxy", "http-request-rules", { status: 403 }), // PR deny: dreq
    failure("proxy", "tcp-request-rules"), // PR reject: dreq
    failure("proxy", "http-response-rules", { status: 502 }), // PH: dresp
    failure("proxy", "wait-request", { status: 400 }), // PR invalid request: ereq
    failure("client-timeout", "wait-request", { status: 408 }), // cR: ereq
    failure("client-abort", "forward-response"), // CD: cli_abrt
    failure("client-timeout", "forward"), // cD (TCP): cli_abrt
    failure("client-abort", "wait-response"), // CH: not a data transfer
    failure("server-abort", "forward-response"), // SD: srv_abrt
    failure("server-timeout", "tunnel"), // sD: srv_abrt
    failure("server-abort", "connect", { status: 503 }), // SC: econ is connectToBackend's
  ];
  assert.deepEqual(
    cases.map((f) => f.termination),
    ["PR", "PR", "PH", "PR", "cR", "CD", "cD", "CH", "SD", "sD", "SC"],
  );
  for (const f of cases) countFailure(f, fe, be, s1);
  assert.deepEqual([fe.dreq, fe.dresp, fe.ereq], [2, 1, 2]);
  assert.deepEqual([be.counters.dreq, be.counters.dresp, s1.counters.dresp], [2, 1, 1]);
  assert.deepEqual([be.counters.cliAbrt, s1.counters.cliAbrt], [2, 2]);
  assert.deepEqual([be.counters.srvAbrt, s1.counters.srvAbrt], [2, 2]);
  assert.deepEqual([be.counters.econ, be.counters.eresp], [0, 0]);
});

test("countFailure() counts a tarpit (PT) as dreq on the frontend and backend; CT counts nothing", () => {
  const be = backend(), fe = new FrontendCounters();
  countFailure(failure("proxy", "tarpit", { status: 500 }), fe, be, null);
  assert.equal(fe.dreq, 1);
  assert.equal(be.counters.dreq, 1);
  countFailure(failure("client-abort", "tarpit"), fe, be, null);
  assert.deepEqual([fe.dreq, fe.ereq, be.counters.cliAbrt], [1, 0, 0]);
});
