/** Follows one message body through its framing: how many bytes of each chunk belong to it, and when it ends. */
import { ChunkedParser } from "../../http1/chunked.ts";
import type { BodyFraming, Rejection } from "../../http1/types.ts";

export class BodyMeter {
  readonly framing: BodyFraming;
  #remaining: number;
  #chunked: ChunkedParser | null;
  #closed = false;
  /** Body bytes accepted so far (for the byte counters). */
  consumed = 0;

  constructor(framing: BodyFraming, side: "request" | "response") {
    this.framing = framing;
    this.#remaining = framing.type === "length" ? framing.length : 0;
    this.#chunked = framing.type === "chunked" ? new ChunkedParser(side) : null;
  }

  /** True when the message has no body at all. */
  get empty(): boolean {
    return this.framing.type === "none" ||
      (this.framing.type === "length" && this.framing.length === 0);
  }

  /** True when the body is read until the server closes. */
  get endsAtClose(): boolean {
    return this.framing.type === "close";
  }

  get done(): boolean {
    switch (this.framing.type) {
      case "none":
        return true;
      case "length":
        return this.#remaining === 0;
      case "chunked":
        return this.#chunked!.done;
      default:
        return this.#closed; // "close": complete once the server closed
    }
  }

  /** How many leading bytes of `chunk` are body (the rest belongs to what follows), or why it is malformed. */
  feed(chunk: Uint8Array): number | Rejection {
    const n = this.#take(chunk);
    if (typeof n === "number") this.consumed += n;
    return n;
  }

  #take(chunk: Uint8Array): number | Rejection {
    switch (this.framing.type) {
      case "none":
        return 0;
      case "length": {
        const n = Math.min(this.#remaining, chunk.length);
        this.#remaining -= n;
        return n;
      }
      case "chunked":
        return this.#chunked!.done ? 0 : this.#chunked!.feed(chunk);
      case "close":
        return chunk.length;
    }
  }

  /** The server closed: a read-until-close body is complete. */
  finishAtClose(): void {
    this.#closed = true;
  }
}
