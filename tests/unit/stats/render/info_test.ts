/** Tests for renderInfo(): HAProxy's `show info` names, the counters from the metrics table. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { renderInfo, uptimeText } from "../../../../src/stats/render/mod.ts";
import { NOW, sampleProxy, START } from "./_sample.ts";

test("renderInfo(): HAProxy's field names and order, values from the process view", () => {
  const text = renderInfo(sampleProxy(), {
    now: NOW,
    startedAt: START,
    pid: 4242,
    version: "0.1.0",
    memoryBytes: 3 * 1048576,
  });
  const fields = new Map(text.trimEnd().split("\n").map((l) => l.split(": ") as [string, string]));
  const want: Record<string, string> = {
    Name: "tsproxy",
    Version: "0.1.0",
    Pid: "4242",
    Uptime: "0d 0h01m30s",
    Uptime_sec: "90",
    PoolAlloc_MB: "3",
    Maxconn: "4096",
    Hard_maxconn: "4096",
    CurrConns: "3",
    CumConns: "12",
    CumReq: "10",
    DroppedLogs: "0",
    Start_time_sec: String(START / 1000),
  };
  for (const [k, v] of Object.entries(want)) assert.equal(fields.get(k), v, k);
  assert.ok(text.indexOf("Pid:") < text.indexOf("Maxconn:"));
  assert.equal(fields.has("Ulimit-n"), false, "unknown: left out");
});

const UPTIMES: [number, string][] = [[0, "0d 0h00m00s"], [61, "0d 0h01m01s"], [
  90061,
  "1d 1h01m01s",
]];
for (const [sec, want] of UPTIMES) {
  test(`uptimeText(${sec}) is "${want}"`, () => assert.equal(uptimeText(sec), want));
}
