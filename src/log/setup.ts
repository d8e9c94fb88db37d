/** Logging setup: one line per record on stdout, buffered so a slow terminal never stalls the proxy; access lines to stdout, a file or syslog. */
import process from "node:process";
import {
  configure,
  dispose,
  getLogger,
  getStreamSink,
  getTextFormatter,
  type LogLevel,
  type Sink,
} from "@logtape/logtape";
import { setAccessOutput } from "./access_sink.ts";
import { batchSink } from "./batch_sink.ts";
import { hostname } from "node:os";
import type { SyslogEnvelope } from "./syslog_format.ts";
import { syslogSink } from "./syslog_sink.ts";
import { isSyslogTarget, parseSyslogTarget } from "./syslog_target.ts";
import type { ProcessCounters } from "../stats/counters.ts";

export type { LogLevel };

/** `global.syslog`: the envelope of messages sent to a syslog target (hostname: the machine's when absent). */
export type SyslogOptions = Omit<SyslogEnvelope, "pid" | "hostname"> & {
  hostname?: string | undefined;
};

/** `2026-11-25T10:00:00.000Z INFO tsproxy·proxy: message` */
const formatter = getTextFormatter({
  timestamp: "rfc3339",
  level: "FULL",
  category: "·",
  value: "bare",
  format: ({ timestamp, level, category, message }) =>
    `${timestamp} ${level} ${category}: ${message}`,
});

/** Standard output as a web stream; a write settles once the runtime has taken the bytes. */
function stdoutStream(): WritableStream<Uint8Array> {
  return new WritableStream({
    write(chunk) {
      return new Promise((resolve, reject) => {
        process.stdout.write(chunk, (error) => (error ? reject(error) : resolve()));
      });
    },
  });
}

/**
 * Sends every `tsproxy` category at `level` or above to stdout. Records are buffered and
 * written in the background (LogTape's non-blocking stream sink); call {@link flushLogging}
 * before exiting so none are lost.
 *
 * @example
 * ```ts
 * await configureLogging({ level: "info" });
 * getLogger(["tsproxy", "proxy"]).info("started");
 * ```
 */
export async function configureLogging(
  options: {
    level: LogLevel;
    access?: string | undefined;
    /** Where dropped access log lines are counted (DroppedLogs); pass the proxy's too. */
    counters?: ProcessCounters | undefined;
    /** The envelope when `access` is a syslog target (udp://, tcp://, unix://). */
    syslog?: SyslogOptions | undefined;
  },
): Promise<void> {
  const access = options.access ?? "stdout";
  const sinks: Record<string, Sink> = {
    stdout: getStreamSink(stdoutStream(), {
      formatter,
      nonBlocking: { bufferSize: 256, flushInterval: 50 },
    }),
  };
  const toSyslog = isSyslogTarget(access);
  if (toSyslog) {
    const sink = syslogSink({
      target: parseSyslogTarget(access),
      envelope: envelope(options.syslog),
      counters: options.counters,
      warn: (m) => getLogger(["tsproxy", "syslog"]).warn(m),
    });
    sinks.access = sink;
    setAccessOutput(sink.writeLine);
  } else if (access !== "none") {
    const sink = batchSink(access, options.counters);
    reopenSink = sink.reopen;
    sinks.access = sink;
    setAccessOutput(sink.writeLine, sink.writeInto);
  } else setAccessOutput(null);
  await configure({
    reset: true,
    sinks,
    loggers: [
      {
        category: ["tsproxy", "access"],
        lowestLevel: "info",
        sinks: access === "none" ? [] : ["access"],
        parentSinks: "override",
      },
      // The proxy's own lines go to the syslog target too, at their level (not its own warnings).
      {
        category: ["tsproxy"],
        lowestLevel: options.level,
        sinks: toSyslog ? ["stdout", "access"] : ["stdout"],
      },
      {
        category: ["tsproxy", "syslog"],
        lowestLevel: "warning",
        sinks: ["stdout"],
        parentSinks: "override",
      },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["stdout"] },
    ],
  });
}

/** The file sink's reopen, when the access log goes to a file. */
let reopenSink: (() => void) | null = null;

/**
 * Reopens the access log file (SIGUSR1, after logrotate moved it): lines from now on go to a file
 * at the configured path, created if needed. Standard streams and syslog need nothing.
 */
export function reopenLogs(): void {
  reopenSink?.();
}

function envelope(o: SyslogOptions | undefined): SyslogEnvelope {
  return {
    facility: o?.facility ?? "local0",
    framing: o?.framing ?? "rfc5424",
    tag: o?.tag ?? "tsproxy",
    hostname: o?.hostname ?? hostname(),
    pid: process.pid,
    len: o?.len ?? 1024,
  };
}

/** Writes out every buffered record and closes the sink; logging is off afterwards. */
export async function flushLogging(): Promise<void> {
  setAccessOutput(null);
  await dispose();
}
