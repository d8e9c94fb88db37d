/** accessRecord(): one record for tcplog, httplog and the proxy's own answers; the phase a failure ended in. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { failure } from "../../../../src/failure/failure.ts";
import { httplog, jsonlog } from "../../../../src/log/access.ts";
import { accessRecord } from "../../../../src/proxy/session/access_record.ts";
import { testBackend } from "../../_fixtures/backend.ts";
import { FakeSocket } from "../_fake_socket.ts";

const fe = { name: "web", cur: 3, processCur: 7 };

test("accessRecord() of a transaction that failed to connect: SC, phase connect, times and counts", () => {
  const be = testBackend(), f = failure("server-abort", "connect", { status: 503 });
  const r = accessRecord(new FakeSocket(), fe, be, be.servers[0]!, {
    start: Date.now() - 50,
    headDone: Date.now() - 45,
    tw: 0,
    tc: 12,
    tresp: -1,
    status: f.status,
    bytesOut: 120,
    retries: 3,
    termination: f.termination,
    phase: f.phase,
    request: "GET / HTTP/1.1",
    reason: "connection refused",
  });
  assert.deepEqual(
    [r.frontend, r.backend, r.server, r.status, r.termination, r.phase, r.retries],
    ["web", "app", "s1", 503, "SC", "connect", 3],
  );
  assert.equal(r.tr, 5);
  assert.ok(r.ta >= 50);
  assert.equal(r.request, 'GET / HTTP/1.1" reason="connection refused');
  assert.match(httplog(r), / 503 120 - - SC-- 7\/3\/0\/0\/3 0\/0 "GET \/ HTTP\/1\.1" reason=/);
  assert.equal(JSON.parse(jsonlog(r)).phase, "connect");
});

test("accessRecord() of a rejected request head: no backend (the frontend's name), no status for tcplog", () => {
  const r = accessRecord(new FakeSocket(), fe, null, null, {
    start: Date.now(),
    headDone: -1,
    tw: -1,
    tc: -1,
    tresp: -1,
    status: 0,
    bytesOut: 0,
    retries: 0,
    termination: "--",
    phase: null,
    request: "",
    reason: "",
  });
  assert.deepEqual([r.backend, r.server, r.status, r.tr, r.phase], [
    "web",
    "<NOSRV>",
    -1,
    -1,
    "log",
  ]);
});
