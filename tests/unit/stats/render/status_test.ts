/** Tests for serverStatus(): HAProxy's status words for each admin state and check health. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { serverStatus } from "../../../../src/stats/render/status.ts";
import type { ServerView } from "../../../../src/stats/views.ts";
import { SERVER_STATE } from "../../_fixtures/views.ts";
import { ServerCounters } from "../../../../src/stats/counters.ts";

const base: ServerView = {
  ...SERVER_STATE,
  name: "s",
  counters: new ServerCounters(),
  cur: 0,
  max: 0,
  maxconn: 0,
  maxqueue: 0,
  lastChange: 0,
};
const checked = { checked: true, checkRise: 2, checkFall: 3 };

const CASES: [string, Partial<ServerView>, string][] = [
  ["unchecked UP", {}, "no check"],
  ["unchecked MAINT", { state: "MAINT" }, "MAINT"],
  ["unchecked DRAIN", { state: "DRAIN" }, "DRAIN"],
  ["fully UP", { ...checked, checkHealth: 4 }, "UP"],
  ["UP after one failure of fall 3", { ...checked, checkHealth: 3 }, "UP 2/3"],
  ["UP after two failures", { ...checked, checkHealth: 2 }, "UP 1/3"],
  ["fully DOWN", { ...checked, state: "DOWN", running: false, checkHealth: 0 }, "DOWN"],
  ["DOWN after one success of rise 2", {
    ...checked,
    state: "DOWN",
    running: false,
    checkHealth: 1,
  }, "DOWN 1/2"],
  ["DRAIN, checks UP", { ...checked, state: "DRAIN", checkHealth: 4 }, "DRAIN"],
  ["DRAIN going down", { ...checked, state: "DRAIN", checkHealth: 3 }, "DRAIN 2/3"],
  ["DRAIN, checks DOWN", { ...checked, state: "DRAIN", running: false }, "DOWN"],
  ["MAINT wins over checks", { ...checked, state: "MAINT", running: false }, "MAINT"],
];

for (const [name, over, want] of CASES) {
  test(`serverStatus(): ${name} is "${want}"`, () => {
    assert.equal(serverStatus({ ...base, ...over }), want);
  });
}
