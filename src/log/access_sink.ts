/** Access log lines go straight to the access sink set up by configureLogging (one call per line, no LogTape record). */
import { type AccessFormat, accessFormats, type AccessRecord } from "./access.ts";
import { httplogBound, httplogInto } from "./access_bytes.ts";

export type { AccessRecord };

/**
 * An output that takes a line as bytes: it reserves `max` bytes, `fill(value, buf, at)` writes
 * the line there (no newline) and returns where it ends.
 */
export type WriteInto = <T>(
  max: number,
  value: T,
  fill: (value: T, buf: Uint8Array, at: number) => number,
) => void;

/** Where lines go; null until logging is configured (and after it is disposed): lines are dropped. */
let output: ((line: string) => void) | null = null;
let outputInto: WriteInto | null = null;

/**
 * Sets (or with null, clears) the function access log lines are written with, and the one taking
 * them as bytes when the output has it (the batch sink: httplog lines are then never strings).
 */
export function setAccessOutput(
  write: ((line: string) => void) | null,
  writeInto: WriteInto | null = null,
): void {
  output = write;
  outputInto = write === null ? null : writeInto;
}

/** Whether access lines go anywhere now: with `log: none` no request needs to build its record. */
export function accessOutputOn(): boolean {
  return output !== null;
}

/**
 * A function writing one line per record in `format`, or null when the format is "off". It skips
 * LogTape on purpose: a LogTape record per request (category lookup, property snapshot, sanitising)
 * cost about 5% of the proxy's CPU at 10k requests/s; the sink itself batches the writes.
 */
export function accessLogger(format: AccessFormat): ((record: AccessRecord) => void) | null {
  if (format === "off") return null;
  const render = accessFormats[format];
  if (format === "httplog") {
    return (record) => {
      const into = outputInto;
      if (into !== null) into(httplogBound(record), record, httplogInto);
      else if (output !== null) output(render(record));
    };
  }
  return (record) => {
    const write = output;
    if (write !== null) write(render(record));
  };
}
