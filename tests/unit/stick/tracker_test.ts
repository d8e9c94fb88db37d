/** Tracker: a connection's tracker under its requests' (child), counts on both, conn_cur released by the connection alone. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseStored, typeId } from "../../../src/stick/data_types.ts";
import { StickTable } from "../../../src/stick/table.ts";
import { Tracker } from "../../../src/stick/tracker.ts";

const id = (n: string) => typeId(n);

test("Tracker.child(): requests see the connection's slots, count on them, and leave conn_cur to it", () => {
  const t = new StickTable({
    name: "t",
    type: "ip",
    len: 32,
    size: 10,
    expire: 0,
    store: ["conn_cur", "conn_cnt", "sess_cnt", "http_req_cnt", "http_err_cnt", "bytes_out_cnt"]
      .map(parseStored),
  });
  const e = t.get(t.key("192.0.2.1")!);
  const conn = new Tracker();
  assert.equal(conn.track(0, t, e, false), true); // tcp-request connection track-sc0 src
  const read = (n: string) => t.read(e, id(n));
  assert.deepEqual([read("conn_cur"), read("conn_cnt"), read("sess_cnt")], [1, 1, 1]);
  for (const status of [200, 404]) {
    const req = conn.child();
    assert.equal(req.table(0), t); // sc0_* reads the connection's entry
    assert.equal(req.entry(0), e);
    assert.equal(req.track(0, t, e, true), false); // the slot is the connection's
    req.end(status, false, 10, 100);
  }
  assert.deepEqual(
    [read("http_req_cnt"), read("http_err_cnt"), read("bytes_out_cnt"), read("conn_cur")],
    [2, 1, 200, 1],
  );
  assert.equal(t.refs(e), 1);
  conn.end(0, false, 0, 0); // the connection closes
  assert.deepEqual([read("conn_cur"), t.refs(e)], [0, 0]);
});

test("Tracker.child(): a request may track another slot of its own, let go at its end", () => {
  const t = new StickTable({
    name: "t",
    type: "ip",
    len: 32,
    size: 10,
    expire: 0,
    store: [parseStored("conn_cur")],
  });
  const a = t.get(t.key("192.0.2.1")!), b = t.get(t.key("192.0.2.2")!);
  const conn = new Tracker();
  conn.track(0, t, a, false);
  const req = conn.child();
  assert.equal(req.track(1, t, b, true), true);
  assert.equal(req.table(2), null);
  req.end(200, false, 0, 0);
  assert.deepEqual([t.read(a, id("conn_cur")), t.read(b, id("conn_cur"))], [1, 0]);
  assert.equal(conn.table(1), null);
});
