/** Multiplexed server connections (HTTP/2): the contract a backend's stream pool offers the connect phase; implemented in proxy/h2/. */
import type { Socket } from "../runtime/types.ts";
import type { Server } from "./server.ts";

/**
 * Streams over shared connections to a backend's servers. Each stream is a `Socket` that the
 * transaction reads and writes as it would an HTTP/1.1 connection. `take` and `joinOpening`
 * never open a connection: the connect phase does (queue, retries), then hands it over.
 */
export interface ServerMux {
  /** A stream on an open connection to `server` with room for one, or null. */
  take(server: Server): Socket | null;
  /**
   * A stream on a connection to `server` that another request is opening now, once it is up
   * (null: it failed, or did not speak HTTP/2); null at once when none is being opened with room.
   */
  joinOpening(server: Server): Promise<Socket | null> | null;
  /**
   * Declares a connection to `server` being opened; call the result with the connected socket
   * (or null when it failed): it returns the first stream, or the socket itself when the server
   * did not agree on HTTP/2 (ALPN), which then speaks HTTP/1.1.
   */
  opening(server: Server): (socket: Socket | null) => Socket | null;
  /** A new connection to `server` (not declared): its first stream, or the socket itself (see `opening`). */
  adopt(server: Server, socket: Socket): Socket;
  /** Closes every connection (shutdown). */
  closeAll(): void;
}
