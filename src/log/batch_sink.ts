/** A LogTape sink for high-rate lines: batches them into one write per turn, bounded, counting what it drops. */
import { createWriteStream } from "node:fs";
import process from "node:process";
import type { LogRecord, Sink } from "@logtape/logtape";
import type { ProcessCounters } from "../stats/counters.ts";

/** Lines waiting beyond this many bytes (the output cannot keep up) are dropped and counted. */
const MAX_PENDING = 8 * 1024 * 1024;
/** A batch is written once it reaches this size, or at the latest after FLUSH_MS. */
const BATCH_BYTES = 64 * 1024;
const FLUSH_MS = 20;

interface Output {
  write(text: string, done: (err?: Error | null) => void): void;
  end(done: () => void): void;
  /** A file's stream is closed once what it holds is written, and the path opened again. */
  reopen(): void;
}

function output(target: string): Output {
  if (target === "stdout" || target === "stderr") {
    const stream = target === "stdout" ? process.stdout : process.stderr;
    return { write: (t, done) => stream.write(t, done), end: (done) => done(), reopen() {} };
  }
  let file = createWriteStream(target, { flags: "a" });
  return {
    write: (t, done) => file.write(t, done),
    end: (done) => file.end(done),
    reopen() {
      file.end();
      file = createWriteStream(target, { flags: "a" });
    },
  };
}

/** A LogTape sink that also takes lines directly (the access log's path, which skips LogTape's records). */
export type BatchSink = Sink & AsyncDisposable & {
  writeLine(text: string): void;
  /** Reopens a file target (SIGUSR1, logrotate); nothing for stdout and stderr. */
  reopen(): void;
};

/**
 * A sink writing each record's message, as is, one per line to `target` ("stdout", "stderr" or a
 * file path). One write is in flight at a time; lines arriving meanwhile join the next batch.
 * Dropped lines are also counted in `counters.droppedLogs` (the process's DroppedLogs).
 */
export function batchSink(
  target: string,
  counters: Pick<ProcessCounters, "droppedLogs"> = { droppedLogs: 0 },
): BatchSink {
  const out = output(target);
  let lines: string[] = [];
  let pending = 0;
  let dropped = 0;
  let writing = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let idle: (() => void) | null = null;

  function flush(): void {
    clearTimeout(timer);
    timer = undefined;
    if (writing || lines.length === 0) {
      if (!writing) idle?.();
      return;
    }
    if (dropped > 0) {
      lines.push(`tsproxy: ${dropped} access log lines dropped: the log output is too slow\n`);
      dropped = 0;
    }
    const text = lines.join("");
    lines = [];
    pending = 0;
    writing = true;
    out.write(text, () => {
      writing = false;
      if (lines.length > 0) schedule();
      else idle?.();
    });
  }

  function schedule(): void {
    if (pending >= BATCH_BYTES) flush();
    else timer ??= setTimeout(flush, FLUSH_MS);
  }

  /** Queues one line (without its newline). */
  const writeLine = (text: string) => {
    const line = text + "\n";
    if (pending + line.length > MAX_PENDING) {
      dropped++;
      counters.droppedLogs++;
      return;
    }
    lines.push(line);
    pending += line.length;
    if (!writing) schedule();
  };
  const sink = (record: LogRecord) => writeLine(record.message.join(""));
  return Object.assign(sink, {
    writeLine,
    reopen: () => out.reopen(),
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        idle = () => {
          if (writing || lines.length > 0) return;
          idle = null;
          out.end(resolve);
        };
        flush();
      }),
  });
}
