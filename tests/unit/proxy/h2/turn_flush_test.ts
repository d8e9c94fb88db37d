/** flushAtTurnEnd: connections queued in a turn are flushed once, together, later. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { flushAtTurnEnd, type TurnFlushed } from "../../../../src/proxy/h2/turn_flush.ts";

const later = () => new Promise((resolve) => setTimeout(resolve, 20));

test("flushAtTurnEnd() flushes the queued connections after the current code, and those queued meanwhile", async () => {
  const seen: string[] = [];
  const b: TurnFlushed = { flushNow: () => seen.push("b") };
  const a: TurnFlushed = {
    flushNow: () => {
      seen.push("a");
      flushAtTurnEnd(b); // a client stream woken by a server connection's flush
    },
  };
  flushAtTurnEnd(a);
  seen.push("now");
  await later();
  assert.deepEqual(seen, ["now", "a", "b"]);
  flushAtTurnEnd(b);
  await later();
  assert.deepEqual(seen, ["now", "a", "b", "b"], "a later turn schedules again");
});
