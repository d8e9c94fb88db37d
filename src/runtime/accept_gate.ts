/** A listener's accepted sockets: handed over at once, or parked (paused, at most 1024) while the listener is paused. */
import type { Socket } from "./types.ts";

/** Accepted connections kept while paused; beyond this they are closed. */
const MAX_PARKED = 1024;

/**
 * What every runtime's listener does with a new socket: a paused listener cannot stop the kernel
 * from accepting (Bun) or stops only after a handshake completed (TLS), so it parks what arrives
 * and hands it over on `resume`.
 */
export class AcceptGate {
  readonly #onOpen: (s: Socket) => void;
  #paused = false;
  #parked: Socket[] = [];

  constructor(onOpen: (s: Socket) => void) {
    this.#onOpen = onOpen;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** A new connection: to the owner now, or parked while paused (closed when the line is full). */
  admit(sock: Socket): void {
    if (!this.#paused) return this.#onOpen(sock);
    if (this.#parked.length >= MAX_PARKED) return sock.close();
    sock.pause();
    this.#parked.push(sock);
  }

  pause(): void {
    this.#paused = true;
  }

  /** Hands parked connections over, oldest first, until the owner pauses again. */
  resume(): void {
    this.#paused = false;
    while (!this.#paused && this.#parked.length > 0) {
      const sock = this.#parked.shift()!;
      if (sock.closed) continue;
      sock.resume();
      this.#onOpen(sock);
    }
  }

  /** Closes every parked connection (the listener is closing). */
  closeParked(): void {
    for (const sock of this.#parked) sock.close();
    this.#parked.length = 0;
  }
}
