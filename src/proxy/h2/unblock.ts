/** Streams waiting for room on an HTTP/2 connection go on when it is there: one loop for the client and server sides. */

/** A stream that stopped for lack of room (socket congested, a window closed). */
export interface Waiting {
  /** Goes on with what it holds; false when it has to wait again. */
  onRoom(): boolean;
}

/**
 * Lets each stream of `blocked` go on while the connection's socket is not `congested()`. Each is
 * taken out first: going on may block it again at once (a resumed server or client hands its held
 * bytes over synchronously), and that must stay recorded.
 */
export function unblock<T extends Waiting>(blocked: Set<T>, congested: () => boolean): void {
  for (const s of [...blocked]) {
    if (congested()) return;
    blocked.delete(s);
    if (!s.onRoom()) blocked.add(s);
  }
}
