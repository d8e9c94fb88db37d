/** Logging setup: one line per record on stdout, buffered so a slow terminal never stalls the proxy. */
import process from "node:process";
import {
  configure,
  dispose,
  getStreamSink,
  getTextFormatter,
  type LogLevel,
  type Sink,
} from "@logtape/logtape";
import { setAccessOutput } from "./access_sink.ts";
import { batchSink } from "./batch_sink.ts";
import type { ProcessCounters } from "../stats/counters.ts";

export type { LogLevel };

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
  },
): Promise<void> {
  const access = options.access ?? "stdout";
  const sinks: Record<string, Sink> = {
    stdout: getStreamSink(stdoutStream(), {
      formatter,
      nonBlocking: { bufferSize: 256, flushInterval: 50 },
    }),
  };
  if (access !== "none") {
    const sink = batchSink(access, options.counters);
    sinks.access = sink;
    setAccessOutput(sink.writeLine);
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
      { category: ["tsproxy"], lowestLevel: options.level, sinks: ["stdout"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["stdout"] },
    ],
  });
}

/** Writes out every buffered record and closes the sink; logging is off afterwards. */
export async function flushLogging(): Promise<void> {
  setAccessOutput(null);
  await dispose();
}
