/** The arithmetic of shared counters: periods aligned on the epoch, own values as fields, the others' part read back. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseStored, typeId } from "../../../../src/stick/data_types.ts";
import { columnsOf } from "../../../../src/stick/shared/columns.ts";
import {
  bucketAdd,
  othersOf,
  ownRate,
  ownWrites,
  periodStart,
} from "../../../../src/stick/shared/merge.ts";

const cols = columnsOf(
  ["http_req_cnt", "http_req_rate(10s)", "conn_cur", "gpt(2)"].map(parseStored),
);
const byName = new Map(cols.list.map((c, i) => [c.name, i]));

test("columnsOf() gives one column per element, named after its type, shared by kind", () => {
  assert.deepEqual(
    cols.list.map((c) => `${c.name}/${c.share}/${c.period}`),
    [
      "http_req_cnt/sum/0",
      "http_req_rate/rate/10000",
      "conn_cur/gauge/0",
      "gpt.0/last/0",
      "gpt.1/last/0",
    ],
  );
  const g = columnsOf(["gpc(2)"].map(parseStored));
  assert.equal(g.at(typeId("gpc1"), 0), 1, "gpc1 is gpc(2)'s element 1");
  assert.equal(g.at(typeId("gpc"), 2), -1);
  assert.equal(g.at(typeId("gpt0"), 0), -1);
});

test("bucketAdd() counts in periods aligned on the epoch, shifting or dropping old ones", () => {
  const own = new Float64Array(3);
  bucketAdd(own, 0, 10_000, 1_000_003_000, 2);
  assert.deepEqual([...own], [1_000_000_000, 2, 0]);
  bucketAdd(own, 0, 10_000, 1_000_009_999, 1);
  assert.deepEqual([...own], [1_000_000_000, 3, 0]);
  bucketAdd(own, 0, 10_000, 1_000_010_000, 5);
  assert.deepEqual([...own], [1_000_010_000, 5, 3]);
  bucketAdd(own, 0, 10_000, 1_000_030_001, 1);
  assert.deepEqual([...own], [1_000_030_000, 1, 0]);
  assert.deepEqual(ownRate(own, 0, 10_000, 1_000_030_000), [1, 0]);
  assert.deepEqual(ownRate(own, 0, 10_000, 1_000_040_000), [0, 1]);
  assert.deepEqual(ownRate(own, 0, 10_000, 1_000_050_000), [0, 0]);
  assert.equal(periodStart(1_234_567, 1000), 1_234_000);
});

test("ownWrites() writes own totals whole, a gauge with its deadline, a tag only when set here", () => {
  const own = new Float64Array(cols.list.length * 3);
  own[0] = 7; // http_req_cnt
  own.set([1_000_010_000, 4, 3], 3); // http_req_rate
  own[6] = 2; // conn_cur
  own.set([9, 1], 12); // gpt.1 set here
  const w = ownWrites(cols.list, own, "A.1", "A", 5_000, 10_000);
  assert.deepEqual(w.set, [
    "c:http_req_cnt:A.1",
    7,
    "r:http_req_rate:1000010000:A.1",
    4,
    "r:http_req_rate:1000000000:A.1",
    3,
    "g:conn_cur:A",
    "2:15000",
    "t:gpt.1",
    9,
  ]);
  assert.deepEqual(w.del, []);
  own[6] = 0;
  const again = ownWrites(cols.list, own, "A.1", "A", 6_000, 10_000);
  assert.deepEqual(again.del, ["g:conn_cur:A"]);
  assert.ok(!again.set.includes("t:gpt.1"), "a tag is written once");
  assert.deepEqual(ownWrites(cols.list, own, "A.1", "A", 7_000, 10_000).del, []);
});

test("othersOf() sums the other owners' fields, this period and the previous one, live gauges, the tag", () => {
  const now = 1_000_012_000;
  const fields = [
    ["c:http_req_cnt:A.1", "7"], // own: left out
    ["c:http_req_cnt:A.0", "2"], // an earlier life of this instance's entry counts
    ["c:http_req_cnt:B.4", "5"],
    ["r:http_req_rate:1000010000:B.4", "4"],
    ["r:http_req_rate:1000010000:A.1", "9"],
    ["r:http_req_rate:1000000000:C.1", "6"],
    ["r:http_req_rate:999990000:C.1", "100"], // two periods ago: stale
    ["g:conn_cur:A", "3:1000020000"],
    ["g:conn_cur:B", "2:1000020000"],
    ["g:conn_cur:C", "8:1000011000"], // past its deadline: C died
    ["g:conn_cur:D", "8:1000000000"], // a minute past: stale
    ["t:gpt.0", "42"],
    ["c:unknown:B.1", "1"],
  ].flat();
  const { values, stale } = othersOf(cols.list, byName, fields, "A.1", "A", now);
  assert.equal(values[0], 7); // http_req_cnt
  assert.deepEqual([values[2], values[3]], [4, 6]); // rate: current, previous
  assert.equal(values[4], 2); // conn_cur
  assert.equal(values[6], 42); // gpt.0
  assert.ok(Number.isNaN(values[8]!)); // gpt.1: none
  assert.deepEqual(stale, ["r:http_req_rate:999990000:C.1"]);
  const later = othersOf(cols.list, byName, fields, "A.1", "A", now + 61_000);
  assert.deepEqual(later.stale.sort(), [
    "g:conn_cur:C",
    "g:conn_cur:D",
    "r:http_req_rate:1000000000:C.1",
    "r:http_req_rate:1000010000:A.1",
    "r:http_req_rate:1000010000:B.4",
    "r:http_req_rate:999990000:C.1",
  ]);
});

test("bucketAdd(): the same counts as a period computed each time, across boundaries and a clock going back", () => {
  const fast = new Float64Array(3), ref = new Float64Array(3);
  const period = 10_000;
  const slow = (now: number, inc: number) => {
    const start = periodStart(now, period);
    if (ref[0] !== start) {
      ref[2] = ref[0] === start - period ? ref[1]! : 0;
      ref[1] = 0;
      ref[0] = start;
    }
    ref[1] = ref[1]! + inc;
  };
  const dates = [5_000, 9_999, 10_000, 19_999, 20_000, 1_000_000_003_000, 1_000_000_009_999];
  for (const d of [...dates, 1_000_000_010_000, 1_000_000_005_000, 1_000_000_031_000]) {
    bucketAdd(fast, 0, period, d, 1);
    slow(d, 1);
    assert.deepEqual([...fast], [...ref], `at ${d}`);
  }
});
