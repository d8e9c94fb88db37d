/** HTTP/2 connections with frames to write, written once the event loop's batch of I/O events is delivered: one deferred callback for all of them. */
import { afterIoEvents } from "../../runtime/turn_end.ts";

/** A connection that gathers its frames and writes them in one `write`. */
export interface TurnFlushed {
  /** Writes what the connection produced since its last write. */
  flushNow(): void;
}

const queue: TurnFlushed[] = [];
let scheduled = false;

/**
 * Queues a connection's write for the end of this batch of events (the caller queues each
 * connection once until its flush: `flushNow` clears its mark). Many streams answered by many
 * server sockets' events thus leave in one `write` per client connection.
 */
export function flushAtTurnEnd(c: TurnFlushed): void {
  queue.push(c);
  if (scheduled) return;
  scheduled = true;
  afterIoEvents(run);
}

/** Flushes every queued connection; one that throws (a bug) does not leave the others unflushed. */
function run(): void {
  let failed = false, error: unknown = null;
  // a flush may queue another connection (a server stream's output wakes a client stream)
  for (let i = 0; i < queue.length; i++) {
    try {
      queue[i]!.flushNow();
    } catch (err) {
      if (!failed) (failed = true, error = err);
    }
  }
  queue.length = 0;
  scheduled = false;
  if (failed) throw error;
}
