/** A bounded FIFO of syslog messages waiting for their transport: at most `maxCount` and `maxBytes`; what does not fit is dropped and counted. */
import type { ProcessCounters } from "../stats/counters.ts";
import { byteLength } from "./syslog_format.ts";

export class SyslogQueue {
  #items: string[] = [];
  #head = 0;
  #bytes = 0;
  #maxCount: number;
  #maxBytes: number;
  #counters: Pick<ProcessCounters, "droppedLogs">;
  /** Messages dropped since {@link takeDropped} last read it. */
  #dropped = 0;

  constructor(
    maxCount: number,
    maxBytes: number,
    counters: Pick<ProcessCounters, "droppedLogs">,
  ) {
    this.#maxCount = maxCount;
    this.#maxBytes = maxBytes;
    this.#counters = counters;
  }

  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Bytes (UTF-8) of the messages waiting. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Adds `msg` at the end, or drops it (counted in droppedLogs) when either bound would be passed. */
  push(msg: string): boolean {
    const size = byteLength(msg);
    if (this.length >= this.#maxCount || this.#bytes + size > this.#maxBytes) {
      this.#dropped++;
      this.#counters.droppedLogs++;
      return false;
    }
    this.#items.push(msg);
    this.#bytes += size;
    return true;
  }

  /** Removes and returns the first message, or undefined when empty. */
  shift(): string | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const msg = this.#items[this.#head]!;
    this.#items[this.#head++] = "";
    this.#bytes -= byteLength(msg);
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return msg;
  }

  /** Drops everything waiting (counted as dropped). */
  clear(): void {
    const n = this.length;
    this.#dropped += n;
    this.#counters.droppedLogs += n;
    this.#items = [];
    this.#head = 0;
    this.#bytes = 0;
  }

  /** How many were dropped since the last call, and resets that count. */
  takeDropped(): number {
    const n = this.#dropped;
    this.#dropped = 0;
    return n;
  }
}
