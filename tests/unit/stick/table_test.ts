/** Stick tables: key types, stored data, expiry, eviction when full, tracked entries kept. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseStored, typeId } from "../../../src/stick/data_types.ts";
import { toKey } from "../../../src/stick/keys.ts";
import { StickTable, type StickTableSpec } from "../../../src/stick/table.ts";

function table(
  over: Partial<StickTableSpec> = {},
  store = ["http_req_rate(10s)", "conn_cur", "gpc0"],
) {
  let now = 1_000_000;
  const spec: StickTableSpec = {
    name: "t",
    type: "ip",
    len: 32,
    size: 100,
    expire: 30_000,
    store: store.map(parseStored),
    ...over,
  };
  const t = new StickTable(spec, () => now);
  return { t, advance: (ms: number) => void (now += ms) };
}

const REQ_RATE = typeId("http_req_rate"), CUR = typeId("conn_cur"), GPC0 = typeId("gpc0");

test("toKey() makes each key type's key", () => {
  assert.equal(toKey("ip", 0, "10.0.0.1"), 0x0a000001);
  assert.equal(toKey("ip", 0, "::ffff:10.0.0.1"), 0x0a000001);
  assert.equal(toKey("ip", 0, "2001:db8::1"), undefined);
  assert.equal(toKey("ipv6", 0, "10.0.0.1"), toKey("ipv6", 0, "::ffff:10.0.0.1"));
  assert.equal((toKey("ipv6", 0, "2001:db8::1") as string).length, 16);
  assert.equal(toKey("integer", 0, "42"), 42);
  assert.equal(toKey("integer", 0, "x"), undefined);
  assert.equal(toKey("string", 4, "abcdef"), "abcd");
  assert.equal(toKey("binary", 4, Uint8Array.of(1, 2)), "\x01\x02\x00\x00");
  assert.equal(toKey("binary", 2, "abc"), "ab");
});

test("parseStored() reads each store item and refuses bad ones", () => {
  assert.deepEqual(
    [parseStored("gpc(3)").count, parseStored("gpc_rate(2,1m)").period],
    [3, 60_000],
  );
  for (
    const s of [
      "server_id",
      "gpt0",
      "gpt(2)",
      "gpc0",
      "gpc1",
      "gpc0_rate(1s)",
      "gpc1_rate(1s)",
      "conn_cnt",
      "conn_cur",
      "conn_rate(1s)",
      "sess_cnt",
      "sess_rate(1s)",
      "http_req_cnt",
      "http_req_rate(1s)",
      "http_err_cnt",
      "http_err_rate(1s)",
      "http_fail_cnt",
      "http_fail_rate(1s)",
      "bytes_in_cnt",
      "bytes_in_rate(1s)",
      "bytes_out_cnt",
      "bytes_out_rate(1s)",
    ]
  ) assert.ok(parseStored(s).type);
  assert.throws(() => parseStored("http_req_rate"), /expected http_req_rate\(period\)/);
  assert.throws(() => parseStored("gpc(0)"), /N must be 1 to 100/);
  assert.throws(() => parseStored("bogus"), /unknown stick table data type "bogus"/);
});

test("StickTable stores counters, gauges, rates and tags per entry", () => {
  const { t, advance } = table({}, ["http_req_rate(10s)", "conn_cur", "gpc0", "gpt(2)", "gpc(2)"]);
  const e = t.get(t.key("192.0.2.1")!);
  for (let i = 0; i < 5; i++) t.add(e, REQ_RATE, 0, 1);
  t.add(e, CUR, 0, 1);
  t.add(e, CUR, 0, -2); // a gauge never goes below 0
  t.add(e, GPC0, 0, 3);
  t.set(e, typeId("gpt"), 1, 7);
  assert.equal(t.read(e, REQ_RATE), 5);
  assert.equal(t.read(e, CUR), 0);
  assert.equal(t.read(e, GPC0), 3);
  assert.equal(t.read(e, typeId("gpt"), 1), 7);
  assert.equal(t.read(e, typeId("gpt"), 2), undefined); // out of the array
  assert.equal(t.read(e, typeId("conn_cnt")), undefined); // not stored
  assert.equal(t.stores(typeId("gpc1")), true); // gpc1 reads gpc(1) when only the array is stored
  advance(15_000);
  assert.equal(t.read(e, REQ_RATE), 2); // 5 * 5000/10000
});

test("StickTable entries expire after `expire` without updates, never while tracked", () => {
  const { t, advance } = table();
  const a = t.get(t.key("10.0.0.1")!), b = t.get(t.key("10.0.0.2")!);
  t.ref(b);
  advance(29_999);
  assert.equal(t.lookup(t.key("10.0.0.1")!), a);
  advance(1);
  assert.equal(t.lookup(t.key("10.0.0.1")!), -1);
  assert.equal(t.lookup(t.key("10.0.0.2")!), b);
  advance(100_000);
  t.get(t.key("10.0.0.3")!); // sweeps
  assert.equal(t.lookup(t.key("10.0.0.2")!), b);
  t.unref(b); // released: renewed, then expires normally
  advance(29_000);
  assert.equal(t.lookup(t.key("10.0.0.2")!), b);
  advance(1_000);
  assert.equal(t.lookup(t.key("10.0.0.2")!), -1);
});

test("StickTable evicts the least recently updated unused entry when full", () => {
  const { t, advance } = table({ size: 3 });
  const k = (i: number) => t.key(`10.0.0.${i}`)!;
  const e1 = t.get(k(1));
  advance(1);
  t.get(k(2));
  advance(1);
  t.get(k(3));
  t.ref(e1); // the oldest is tracked: it stays
  advance(1);
  t.get(k(4));
  assert.equal(t.entries, 3);
  assert.equal(t.lookup(k(2)), -1);
  assert.equal(t.lookup(k(1)), e1);
  t.touch(t.lookup(k(3)));
  t.get(k(5)); // 4 is now the oldest unused
  assert.equal(t.lookup(k(4)), -1);
  assert.notEqual(t.lookup(k(3)), -1);
});

test("StickTable.get() gives -1 when every entry is tracked", () => {
  const { t } = table({ size: 2 });
  t.ref(t.get(t.key("10.0.0.1")!));
  t.ref(t.get(t.key("10.0.0.2")!));
  assert.equal(t.get(t.key("10.0.0.3")!), -1);
  assert.equal(t.entries, 2);
});

test("StickTable grows its rows up to size and reuses freed ones", () => {
  const { t, advance } = table({ size: 5000, expire: 1000 });
  for (let i = 0; i < 5000; i++) t.add(t.get(i + 1), GPC0, 0, 1);
  assert.equal(t.entries, 5000);
  advance(1000);
  for (let i = 0; i < 5000; i++) t.get(100_000 + i);
  assert.equal(t.entries, 5000);
  assert.equal(t.read(t.lookup(100_000), GPC0), 0); // a reused row starts at zero
});

test("StickTable each()/delete()/expiresAt(): live entries, tracked ones kept, set() of a rate", () => {
  const { t, advance } = table();
  const a = t.get(t.key("10.0.0.1")!), b = t.get(t.key("10.0.0.2")!);
  assert.equal(t.expiresAt(a), 1_000_000 + 30_000);
  t.ref(b);
  assert.deepEqual([...t.each()].sort(), [a, b].sort());
  assert.equal(t.delete(b), false, "a tracked entry stays");
  assert.equal(t.delete(a), true);
  assert.equal(t.entries, 1);
  t.set(b, REQ_RATE, 0, 9);
  assert.equal(t.read(b, REQ_RATE), 9, "the current period starts with the value set");
  advance(15_000);
  assert.equal(t.read(b, REQ_RATE), 4, "then fades as a previous period");
  const c = t.get(t.key("10.0.0.3")!);
  advance(31_000);
  assert.deepEqual([...t.each()], [b], "an expired untracked entry is not listed");
  assert.ok(c >= 0);
});
