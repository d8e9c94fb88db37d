/** The access log path: accessLogger() renders records, the batch sink writes them as lines, in order. */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type AccessRecord, httplog } from "../../../src/log/access.ts";
import { accessLogger, accessOutputOn, setAccessOutput } from "../../../src/log/access_sink.ts";
import { batchSink } from "../../../src/log/batch_sink.ts";
import { ProcessCounters } from "../../../src/stats/counters.ts";

const record = (n: number): AccessRecord => ({
  phase: "log",
  clientIp: "127.0.0.1",
  clientPort: 40000 + n,
  start: Date.UTC(2026, 10, 25, 10, 0, 0, 123),
  frontend: "web",
  backend: "app",
  server: "s1",
  tr: 0,
  tw: 0,
  tc: 1,
  tresp: 2,
  ta: 3,
  status: 200,
  bytes: 120 + n,
  termination: "--",
  actconn: 1,
  feconn: 1,
  beconn: 1,
  srvconn: 1,
  retries: 0,
  srvQueue: 0,
  beQueue: 0,
  request: `GET /${n} HTTP/1.1`,
});

test("accessLogger() is null for format off", () => {
  assert.equal(accessLogger("off"), null);
});

test("accessOutputOn() says whether lines go anywhere (log: none: no record is built)", () => {
  setAccessOutput(null);
  assert.equal(accessOutputOn(), false);
  setAccessOutput(() => {});
  assert.equal(accessOutputOn(), true);
  setAccessOutput(null);
  assert.equal(accessOutputOn(), false);
});

test("accessLogger() drops lines while no output is set, and writes them once one is", () => {
  const lines: string[] = [];
  const log = accessLogger("httplog")!;
  setAccessOutput(null);
  log(record(1));
  setAccessOutput((l) => lines.push(l));
  log(record(2));
  setAccessOutput(null);
  assert.deepEqual(lines, [
    "127.0.0.1:40002 [25/Nov/2026:10:00:00.123] web app/s1 0/0/1/2/3 200 122 - - ---- " +
    '1/1/1/1/0 0/0 "GET /2 HTTP/1.1"',
  ]);
});

test("accessLogger(httplog) writes through the sink's writeInto: the lines httplog() gives, in order", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsproxy-log-"));
  try {
    const file = join(dir, "access.log");
    const sink = batchSink(file);
    const log = accessLogger("httplog")!;
    let strings = 0;
    setAccessOutput(() => strings++, sink.writeInto);
    for (let i = 0; i < 3000; i++) log(record(i));
    setAccessOutput(null);
    await sink[Symbol.asyncDispose]();
    const lines = readFileSync(file, "utf8").split("\n");
    assert.equal(lines.pop(), "");
    assert.equal(strings, 0);
    assert.deepEqual(lines, Array.from({ length: 3000 }, (_, i) => httplog(record(i))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("batchSink().writeLine: every line reaches the file, in order, once the sink is disposed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsproxy-log-"));
  try {
    const file = join(dir, "access.log");
    const sink = batchSink(file);
    const log = accessLogger("json")!;
    setAccessOutput(sink.writeLine);
    for (let i = 0; i < 5000; i++) log(record(i));
    setAccessOutput(null);
    await sink[Symbol.asyncDispose]();
    const lines = readFileSync(file, "utf8").split("\n");
    assert.equal(lines.pop(), "");
    assert.equal(lines.length, 5000);
    lines.forEach((l, i) => assert.equal(JSON.parse(l).request, `GET /${i} HTTP/1.1`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("batchSink().writeLine: lines beyond the pending bound are dropped and counted in droppedLogs", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsproxy-log-"));
  try {
    const counters = new ProcessCounters();
    const sink = batchSink(join(dir, "access.log"), counters);
    const line = "x".repeat(1_000_000);
    // the first line is written at once; 8 more wait (8 MB); the last 3 find no room
    for (let i = 0; i < 12; i++) sink.writeLine(line);
    assert.equal(counters.droppedLogs, 3);
    await sink[Symbol.asyncDispose]();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
