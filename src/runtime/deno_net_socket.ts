/** Deno: a plain node:net connection behind the Socket interface, whose pause stops reading from the kernel at once. */
import type { Socket as NetSocket } from "node:net";
import { NodeTlsSocket } from "./node_tls.ts";
import type { SocketHandlers } from "./types.ts";

/** The part of Deno's native libuv-style TCP handle (`socket._handle`) this adapter drives. */
interface ReadHandle {
  reading: boolean;
  readStart(): number;
  readStop(): number;
}

/**
 * Deno's node:net sockets run on a native libuv-style handle (Deno 2.9: TCPWrap/LibUvStreamWrap
 * in native code). `pause()` alone stops the `data` events but lets the stream read on until its
 * buffer passes the high-water mark; this adapter also stops the handle's reading in the same call,
 * so not one more byte leaves the kernel's buffer while paused (TCP's window then pushes back on
 * the peer). `resume()` starts the handle again itself: the stream would not (its own read request
 * may still be outstanding, so it calls no `_read`). End of stream and errors keep node's path.
 */
export class DenoNetSocket extends NodeTlsSocket {
  readonly #s: NetSocket;
  #paused = false;
  #started = false;

  constructor(s: NetSocket) {
    super(s, undefined, "stream");
    this.#s = s;
  }

  #handle(): ReadHandle | null {
    return (this.#s as unknown as { _handle?: ReadHandle | null })._handle ?? null;
  }

  override setHandlers(handlers: SocketHandlers): void {
    this.#started = true;
    super.setHandlers(handlers);
    if (!this.#paused) this.#restart();
  }

  override pause(): void {
    this.#paused = true;
    super.pause();
    // before the handlers too: a `data` listener added to a stream not paused would resume it
    this.#s.pause();
    const h = this.#handle();
    if (h?.reading) {
      h.reading = false;
      h.readStop();
    }
  }

  override resume(): void {
    this.#paused = false;
    super.resume();
    if (this.#started && !this.#paused) this.#restart(); // not paused again by a data handler
  }

  /** Starts the handle reading if a pause stopped it (the stream may not: see above). */
  #restart(): void {
    const s = this.#s;
    if (this.closed) return;
    const h = this.#handle();
    if (h && !h.reading && !s.destroyed && !s.readableEnded) {
      h.reading = true;
      h.readStart();
    }
  }
}
