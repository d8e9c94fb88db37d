/** global.log syslog targets: udp://, tcp://, unix://, and what is wrong with a bad one. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { isSyslogTarget, parseSyslogTarget } from "../../../src/log/syslog_target.ts";

test("parseSyslogTarget() reads udp, tcp and unix targets", () => {
  assert.deepEqual(parseSyslogTarget("udp://127.0.0.1:514"), {
    transport: "udp",
    host: "127.0.0.1",
    port: 514,
  });
  assert.deepEqual(parseSyslogTarget("udp://logs.example"), {
    transport: "udp",
    host: "logs.example",
    port: 514,
  });
  assert.deepEqual(parseSyslogTarget("tcp://[::1]:6514"), {
    transport: "tcp",
    host: "::1",
    port: 6514,
  });
  assert.deepEqual(parseSyslogTarget("unix:///dev/log"), { transport: "unix", path: "/dev/log" });
});

test("parseSyslogTarget() says what is wrong", () => {
  assert.throws(() => parseSyslogTarget("tcp://host"), /tcp needs a port/);
  assert.throws(() => parseSyslogTarget("udp://h:70000"), /port 70000 is out of range/);
  assert.throws(() => parseSyslogTarget("unix://dev/log"), /absolute path/);
  assert.throws(() => parseSyslogTarget("udp://a b:1"), /expected udp:\/\/HOST:PORT/);
});

test("isSyslogTarget() tells syslog URLs from stdout, none and file paths", () => {
  assert.ok(isSyslogTarget("udp://x:1"));
  assert.ok(isSyslogTarget("unix:///dev/log"));
  assert.ok(!isSyslogTarget("stdout"));
  assert.ok(!isSyslogTarget("/var/log/udp://x"));
  assert.ok(!isSyslogTarget("none"));
});
