/** One HTTP/2 flow-control window (RFC 9113 §5.2, §6.9): consumed by DATA, raised by WINDOW_UPDATE, capped at 2^31-1. */
import { MAX_WINDOW } from "./frame.ts";

/** A window size in octets; may go negative after a SETTINGS_INITIAL_WINDOW_SIZE decrease (§6.9.2). */
export class FlowWindow {
  size: number;

  constructor(size: number) {
    this.size = size;
  }

  /** Takes `n` octets; false (nothing taken) when the window is smaller: a FLOW_CONTROL_ERROR on receipt. */
  consume(n: number): boolean {
    if (n > this.size) return false;
    this.size -= n;
    return true;
  }

  /** Adds `n` (may be negative for a settings change); false (nothing added) past 2^31-1. */
  grow(n: number): boolean {
    if (this.size + n > MAX_WINDOW) return false;
    this.size += n;
    return true;
  }
}

/** True when a window of `size` may grow by `n` (a stream's window is a plain number on its stream: no object per stream). */
export function mayGrow(size: number, n: number): boolean {
  return size + n <= MAX_WINDOW;
}
