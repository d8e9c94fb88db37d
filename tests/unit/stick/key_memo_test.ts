/** KeyMemo: the same table and key as without the memo, for repeated, changed and unmemoized values. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseStored } from "../../../src/stick/data_types.ts";
import { KeyMemo } from "../../../src/stick/key_memo.ts";
import { StickTable, type StickTableSpec } from "../../../src/stick/table.ts";

const spec = (name: string, type: StickTableSpec["type"], len = 32): StickTableSpec => ({
  name,
  type,
  len,
  size: 10,
  expire: 1000,
  store: [parseStored("http_req_cnt")],
});

test("KeyMemo.table: the map's table, found again when the map changes (a reload)", () => {
  const a = new StickTable(spec("t", "ip")), b = new StickTable(spec("t", "ip"));
  const m = new KeyMemo();
  const one = new Map([["t", a]]), two = new Map([["t", b]]);
  assert.equal(m.table(one, "t"), a);
  assert.equal(m.table(one, "t"), a);
  assert.equal(m.table(two, "t"), b);
  assert.equal(m.table(new Map(), "t"), undefined);
  assert.equal(m.table(one, "t"), a);
});

test("KeyMemo.key: equal to the table's key for repeated and alternating values and tables", () => {
  const ip = new StickTable(spec("ip", "ip")), str = new StickTable(spec("s", "string", 4));
  const m = new KeyMemo();
  const values = ["192.0.2.1", "192.0.2.1", "::ffff:192.0.2.7", "192.0.2.1", "nope", "abcdefgh"];
  for (const v of values) {
    assert.equal(m.key(ip, v), ip.key(v), `ip ${v}`);
    assert.equal(m.key(str, v), str.key(v), `string ${v}`);
    assert.equal(m.key(ip, v), ip.key(v), `ip again ${v}`);
  }
  assert.equal(m.key(str, 12345), "1234");
  const bytes = new Uint8Array([104, 105]);
  assert.equal(m.key(str, bytes), "hi", "bytes converted, not memoized");
  bytes[0] = 120;
  assert.equal(m.key(str, bytes), str.key(bytes), "a changed byte array is converted again");
});
