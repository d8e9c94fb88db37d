/** nextState: the transitions of RFC 9113 §5.1's diagram, and the events each state refuses. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  nextState,
  peerMaySend,
  type StreamState,
  weMaySend,
} from "../../../src/h2/stream_state.ts";

test("nextState: a request/response exchange goes idle → open → half-closed (remote) → closed", () => {
  let s: StreamState = "idle";
  s = nextState(s, "recv-headers")!;
  assert.equal(s, "open");
  s = nextState(s, "recv-end-stream")!;
  assert.equal(s, "half-closed-remote");
  assert.equal(peerMaySend(s), false);
  assert.equal(weMaySend(s), true);
  s = nextState(s, "send-headers")!;
  assert.equal(s, "half-closed-remote");
  assert.equal(nextState(s, "send-end-stream"), "closed");
});

test("nextState: push reservations, resets, and what idle and closed refuse", () => {
  assert.equal(nextState("idle", "send-push-promise"), "reserved-local");
  assert.equal(nextState("reserved-local", "send-headers"), "half-closed-remote");
  assert.equal(nextState("idle", "recv-push-promise"), "reserved-remote");
  assert.equal(nextState("reserved-remote", "recv-headers"), "half-closed-local");
  assert.equal(nextState("open", "send-end-stream"), "half-closed-local");
  assert.equal(nextState("half-closed-local", "recv-end-stream"), "closed");
  for (const s of ["open", "half-closed-local", "half-closed-remote", "reserved-local"] as const) {
    assert.equal(nextState(s, "recv-rst"), "closed");
    assert.equal(nextState(s, "send-rst"), "closed");
  }
  assert.equal(nextState("idle", "recv-rst"), null);
  assert.equal(nextState("idle", "recv-end-stream"), null);
  assert.equal(nextState("closed", "recv-headers"), null);
  assert.equal(nextState("half-closed-remote", "recv-headers"), null);
  assert.equal(nextState("half-closed-local", "send-headers"), null);
  assert.equal(nextState("open", "recv-push-promise"), null);
});
