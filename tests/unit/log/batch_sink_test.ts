/** batchSink: lines encoded into byte batches, written to a file in order, reopened, dropped when too slow. */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { batchSink } from "../../../src/log/batch_sink.ts";

function tempFile(): { path: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "batch-sink-"));
  return { path: join(dir, "access.log"), done: () => rmSync(dir, { recursive: true }) };
}

test("batchSink() writes every line in order, non-ASCII as UTF-8, past several batches", async () => {
  const f = tempFile();
  try {
    const sink = batchSink(f.path);
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++) lines.push(`line ${i} ${"x".repeat(i % 97)} caf\xe9`);
    for (const l of lines) sink.writeLine(l);
    sink.writeLine("y".repeat(300_000)); // longer than a batch buffer
    await sink[Symbol.asyncDispose]();
    const got = readFileSync(f.path, "utf8").split("\n");
    assert.equal(got.length, lines.length + 2);
    assert.deepEqual(got.slice(0, lines.length), lines);
    assert.equal(got[lines.length], "y".repeat(300_000));
    assert.equal(got[lines.length + 1], "");
  } finally {
    f.done();
  }
});

test("batchSink() appends to an existing file and writes to the new one after reopen()", async () => {
  const f = tempFile();
  try {
    const first = batchSink(f.path);
    first.writeLine("a");
    await first[Symbol.asyncDispose]();
    const sink = batchSink(f.path);
    sink.writeLine("b");
    await new Promise((r) => setTimeout(r, 60)); // flushed after 20 ms
    renameSync(f.path, f.path + ".1");
    sink.reopen();
    sink.writeLine("c");
    await sink[Symbol.asyncDispose]();
    assert.equal(readFileSync(f.path + ".1", "utf8"), "a\nb\n");
    assert.equal(readFileSync(f.path, "utf8"), "c\n");
  } finally {
    f.done();
  }
});

test("batchSink() drops lines beyond 8 MiB waiting and says how many", async () => {
  const f = tempFile();
  try {
    const counters = { droppedLogs: 0 };
    const sink = batchSink(f.path, counters);
    const line = "z".repeat(1023);
    for (let i = 0; i < 9 * 1024; i++) sink.writeLine(line); // 9 MiB in one turn: nothing written yet
    assert.ok(counters.droppedLogs > 0);
    await sink[Symbol.asyncDispose]();
    const text = readFileSync(f.path, "utf8");
    assert.match(text, new RegExp(`tsproxy: ${counters.droppedLogs} access log lines dropped`));
  } finally {
    f.done();
  }
});
