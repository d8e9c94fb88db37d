/** The syslog queue: bounded by count and bytes, drops counted in droppedLogs. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { SyslogQueue } from "../../../src/log/syslog_queue.ts";
import { ProcessCounters } from "../../../src/stats/counters.ts";

test("SyslogQueue drops beyond maxCount and counts it", () => {
  const counters = new ProcessCounters();
  const q = new SyslogQueue(3, 1 << 20, counters);
  for (let i = 0; i < 5; i++) q.push(`m${i}`);
  assert.equal(q.length, 3);
  assert.equal(counters.droppedLogs, 2);
  assert.equal(q.takeDropped(), 2);
  assert.equal(q.takeDropped(), 0);
  assert.deepEqual([q.shift(), q.shift(), q.shift(), q.shift()], ["m0", "m1", "m2", undefined]);
  assert.ok(q.push("again"), "room again once emptied");
});

test("SyslogQueue drops beyond maxBytes (UTF-8) and keeps the byte count exact", () => {
  const counters = new ProcessCounters();
  const q = new SyslogQueue(100, 10, counters);
  assert.ok(q.push("éé")); // 4 bytes
  assert.ok(q.push("abcdef")); // 10
  assert.ok(!q.push("x"));
  assert.equal(q.bytes, 10);
  assert.equal(counters.droppedLogs, 1);
  q.shift();
  assert.equal(q.bytes, 6);
  assert.ok(q.push("xyzw"));
  assert.equal(q.bytes, 10);
});

test("SyslogQueue keeps order over many pushes and shifts; clear() counts what it drops", () => {
  const counters = new ProcessCounters();
  const q = new SyslogQueue(100_000, 1 << 20, counters);
  let next = 0;
  for (let round = 0; round < 10; round++) {
    for (let i = 0; i < 3000; i++) q.push(String(round * 3000 + i));
    for (let i = 0; i < 2500; i++) assert.equal(q.shift(), String(next++));
  }
  assert.equal(q.length, 5000);
  q.clear();
  assert.equal(q.length, 0);
  assert.equal(q.bytes, 0);
  assert.equal(counters.droppedLogs, 5000);
});
