/** Syslog headers: PRI, RFC 5424 and RFC 3164 framing, truncation, RFC 6587 octet counting. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  byteLength,
  FACILITIES,
  octetCounted,
  pri,
  rfc3164Time,
  type SyslogEnvelope,
  syslogFramer,
} from "../../../src/log/syslog_format.ts";

const env = (over: Partial<SyslogEnvelope> = {}): SyslogEnvelope => ({
  facility: "local0",
  framing: "rfc5424",
  tag: "tsproxy",
  hostname: "lb1",
  pid: 4242,
  len: 1024,
  ...over,
});
const T = Date.UTC(2026, 11, 7, 7, 8, 9, 45);

test("pri() is facility × 8 + severity", () => {
  assert.equal(pri("local0", "info"), 134);
  assert.equal(pri("kern", "emerg"), 0);
  assert.equal(pri("local7", "debug"), 191);
  assert.equal(pri("daemon", "err"), 27);
  assert.equal(pri("user", "warning"), 12);
  assert.throws(() => pri("local9" as "local0", "info"), /Unknown syslog facility "local9"/);
});

test("FACILITIES has the 24 names of RFC 5424 numbered 0-23", () => {
  const values = Object.values(FACILITIES);
  assert.equal(values.length, 24);
  assert.deepEqual(values, [...Array(24).keys()]);
  assert.equal(FACILITIES.auth, 4);
  assert.equal(FACILITIES.cron, 9);
  assert.equal(FACILITIES.local3, 19);
});

test("syslogFramer() rfc5424: <PRI>1 TIMESTAMP HOST TAG PID - - MSG", () => {
  const frame = syslogFramer(env());
  assert.equal(
    frame("hello world", "info", T),
    "<134>1 2026-12-07T07:08:09.045Z lb1 tsproxy 4242 - - hello world",
  );
  assert.equal(frame("x", "err", T).slice(0, 7), "<131>1 ");
});

test("syslogFramer() rfc3164: <PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG, day padded with a space", () => {
  const frame = syslogFramer(env({ framing: "rfc3164", facility: "daemon", tag: "edge" }));
  assert.equal(frame("hello", "warning", T), "<28>Dec  7 07:08:09 lb1 edge[4242]: hello");
  assert.equal(rfc3164Time(Date.UTC(2026, 0, 25, 23, 59, 59)), "Jan 25 23:59:59");
  // the cached second changes with the time
  assert.equal(
    frame("b", "info", T + 1000),
    "<30>Dec  7 07:08:10 lb1 edge[4242]: b",
  );
});

test("syslogFramer() truncates to len bytes and replaces spaces in the host name", () => {
  const frame = syslogFramer(env({ len: 100, hostname: "my host" }));
  const out = frame("y".repeat(500), "info", T);
  assert.equal(byteLength(out), 100);
  assert.match(out, /^<134>1 \S+ my_host tsproxy 4242 - - y+$/);
  // never inside a character
  const wide = syslogFramer(env({ len: 80 }))("é".repeat(100), "info", T);
  assert.ok(byteLength(wide) <= 80 && byteLength(wide) >= 79);
  assert.ok(!wide.includes("\uFFFD"));
});

test("octetCounted() prefixes the UTF-8 length and a space (RFC 6587)", () => {
  assert.equal(octetCounted("<134>1 - - - - - hi"), "19 <134>1 - - - - - hi");
  assert.equal(octetCounted("é€😀"), "9 é€😀");
  assert.equal(byteLength("é€😀"), new TextEncoder().encode("é€😀").length);
});
