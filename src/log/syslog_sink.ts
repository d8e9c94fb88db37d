/**
 * A LogTape sink (and direct line writer, for access lines) sending to a syslog server: messages get
 * their envelope at once, wait in a bounded queue, and leave on a later turn, so a slow or absent
 * server never blocks the caller; what the queue cannot hold is dropped and counted (DroppedLogs).
 */
import type { LogLevel, LogRecord, Sink } from "@logtape/logtape";
import type { ProcessCounters } from "../stats/counters.ts";
import { type Severity, type SyslogEnvelope, syslogFramer } from "./syslog_format.ts";
import { SyslogQueue } from "./syslog_queue.ts";
import { StreamSender } from "./syslog_stream.ts";
import type { SyslogTarget } from "./syslog_target.ts";
import { type SenderHost, UdpSender } from "./syslog_udp.ts";

/** Queue bounds: messages waiting for the transport (an absent TCP server, a slow one). */
export const QUEUE_MAX_COUNT = 10_000;
export const QUEUE_MAX_BYTES = 4 * 1024 * 1024;
/** At most one console warning per this many ms while the target fails. */
const WARN_EVERY_MS = 60_000;

/** LogTape levels as syslog severities. */
export const LEVEL_SEVERITY: Record<LogLevel, Severity> = {
  trace: "debug",
  debug: "debug",
  info: "info",
  warning: "warning",
  error: "err",
  fatal: "crit",
};

export interface SyslogSinkOptions {
  target: SyslogTarget;
  envelope: SyslogEnvelope;
  counters?: Pick<ProcessCounters, "droppedLogs"> | undefined;
  /** Where the at-most-once-a-minute warning goes while the target fails (not the syslog itself). */
  warn: (message: string) => void;
  maxCount?: number | undefined;
  maxBytes?: number | undefined;
}

/** The access log's writer plus a LogTape sink for the proxy's own records. */
export type SyslogSink = Sink & AsyncDisposable & {
  /** Sends one line at `severity` (info: an access line). */
  writeLine(text: string, severity?: Severity): void;
  readonly queue: SyslogQueue;
};

function describe(t: SyslogTarget): string {
  return t.transport === "unix" ? `unix://${t.path}` : `${t.transport}://${t.host}:${t.port}`;
}

/** A sink sending to `options.target`; dispose it to send what waits (up to 2 s) and close. */
export function syslogSink(options: SyslogSinkOptions): SyslogSink {
  const counters = options.counters ?? { droppedLogs: 0 };
  const queue = new SyslogQueue(
    options.maxCount ?? QUEUE_MAX_COUNT,
    options.maxBytes ?? QUEUE_MAX_BYTES,
    counters,
  );
  const frame = syslogFramer(options.envelope);
  const name = describe(options.target);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastWarn = -Infinity;
  let closed = false;

  const host: SenderHost = {
    queue,
    schedule: () => {
      if (!closed) timer ??= setTimeout(pump, 0);
    },
    failed: (reason) => {
      const now = Date.now();
      if (now - lastWarn < WARN_EVERY_MS) return;
      lastWarn = now;
      const dropped = queue.takeDropped();
      options.warn(
        `syslog ${name}: ${reason}; log lines wait in a bounded queue (${queue.length} now)` +
          (dropped > 0 ? `, ${dropped} dropped since the last warning` : "") +
          " (next warning in a minute at most)",
      );
    },
  };
  const t = options.target;
  const sender = t.transport === "udp"
    ? new UdpSender(host, t.host, t.port)
    : new StreamSender(host, t.transport === "unix" ? { path: t.path } : t);

  function pump(): void {
    timer = undefined;
    sender.pump();
  }

  const writeLine = (text: string, severity: Severity = "info") => {
    if (closed) return;
    if (queue.push(frame(text, severity, Date.now()))) host.schedule();
  };
  const sink = (record: LogRecord) => {
    const text = `${record.category.join("·")}: ${record.message.map(String).join("")}`;
    writeLine(text, LEVEL_SEVERITY[record.level]);
  };
  return Object.assign(sink, {
    writeLine,
    queue,
    async [Symbol.asyncDispose]() {
      clearTimeout(timer);
      timer = undefined;
      closed = true;
      await sender.close(2000);
    },
  });
}
