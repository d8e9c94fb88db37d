/** A LogTape sink for high-rate lines: batches them into one write per turn, bounded, counting what it drops. */
import { closeSync, openSync, write } from "node:fs";
import process from "node:process";
import type { LogRecord, Sink } from "@logtape/logtape";
import type { ProcessCounters } from "../stats/counters.ts";

/** Lines waiting beyond this many bytes (the output cannot keep up) are dropped and counted. */
const MAX_PENDING = 8 * 1024 * 1024;
/** A batch is written once it reaches this size, or at the latest after FLUSH_MS. */
const BATCH_BYTES = 64 * 1024;
const FLUSH_MS = 20;
const encoder = new TextEncoder();

interface Output {
  write(bytes: Uint8Array, done: (err?: Error | null) => void): void;
  end(done: () => void): void;
  /** A file is closed once what it holds is written, and the path opened again. */
  reopen(): void;
}

function output(target: string): Output {
  if (target === "stdout" || target === "stderr") {
    const stream = target === "stdout" ? process.stdout : process.stderr;
    return { write: (b, done) => stream.write(b, done), end: (done) => done(), reopen() {} };
  }
  // the file's descriptor, written with fs.write: a stream's machinery cost ~4% of the proxy's CPU
  let fd = openSync(target, "a");
  let retired: number | null = null;
  const writeAll = (b: Uint8Array, done: (err?: Error | null) => void) =>
    write(fd, b, 0, b.length, null, (err, n) => {
      if (!err && n < b.length) return writeAll(b.subarray(n), done);
      if (retired !== null) closeQuietly(retired);
      retired = null;
      done(err);
    });
  return {
    write: writeAll,
    end(done) {
      if (retired !== null) closeQuietly(retired);
      closeQuietly(fd);
      done();
    },
    reopen() {
      retired ??= fd; // closed after the write in flight, if any (end() closes the new one)
      fd = openSync(target, "a");
    },
  };
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch { /* already closed */ }
}

/** A LogTape sink that also takes lines directly (the access log's path, which skips LogTape's records). */
export type BatchSink = Sink & AsyncDisposable & {
  writeLine(text: string): void;
  /** Takes a line as bytes (see `WriteInto` in `access_sink.ts`). */
  writeInto<T>(
    max: number,
    value: T,
    fill: (value: T, buf: Uint8Array, at: number) => number,
  ): void;
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
  // Lines are encoded into `buf` as they come; a batch is written from it while the next fills `spare`.
  let buf: Uint8Array = new Uint8Array(2 * BATCH_BYTES);
  let spare: Uint8Array | null = new Uint8Array(2 * BATCH_BYTES);
  let pending = 0;
  let dropped = 0;
  let writing = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let idle: (() => void) | null = null;

  function flush(): void {
    clearTimeout(timer);
    timer = undefined;
    if (writing || pending === 0) {
      if (!writing) idle?.();
      return;
    }
    if (dropped > 0) {
      put(`tsproxy: ${dropped} access log lines dropped: the log output is too slow\n`);
      dropped = 0;
    }
    const batch = buf;
    const n = pending;
    buf = spare ?? new Uint8Array(2 * BATCH_BYTES);
    spare = null;
    pending = 0;
    writing = true;
    out.write(batch.subarray(0, n), () => {
      writing = false;
      if (batch.length === 2 * BATCH_BYTES) spare = batch; // a grown one is let go
      if (pending > 0) schedule();
      else idle?.();
    });
  }

  function schedule(): void {
    if (pending >= BATCH_BYTES) flush();
    else timer ??= setTimeout(flush, FLUSH_MS);
  }

  /** Encodes `text` after what `buf` holds, growing it when the worst case (3 bytes a char) may not fit. */
  function put(text: string): void {
    reserve(3 * text.length + 1); // and a newline
    pending += encoder.encodeInto(text, buf.subarray(pending)).written;
  }

  /** Grows `buf` so that `n` more bytes fit. */
  function reserve(n: number): void {
    const need = pending + n;
    if (need > buf.length) {
      let size = buf.length * 2;
      while (size < need) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(buf.subarray(0, pending));
      buf = grown;
    }
  }

  /** Queues one line (without its newline). */
  const writeLine = (text: string) => {
    if (pending + text.length + 1 > MAX_PENDING) {
      dropped++;
      counters.droppedLogs++;
      return;
    }
    put(text);
    buf[pending++] = 0x0a;
    if (!writing) schedule();
  };
  /** Queues one line written by `fill` into at most `max` bytes (its newline added here). */
  function writeInto<T>(
    max: number,
    value: T,
    fill: (value: T, buf: Uint8Array, at: number) => number,
  ): void {
    if (pending + max + 1 > MAX_PENDING) {
      dropped++;
      counters.droppedLogs++;
      return;
    }
    reserve(max + 1);
    pending = fill(value, buf, pending);
    buf[pending++] = 0x0a;
    if (!writing) schedule();
  }
  const sink = (record: LogRecord) => writeLine(record.message.join(""));
  return Object.assign(sink, {
    writeLine,
    writeInto,
    reopen: () => out.reopen(),
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        idle = () => {
          if (writing || pending > 0) return;
          idle = null;
          out.end(resolve);
        };
        flush();
      }),
  });
}
