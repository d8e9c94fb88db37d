/** One HTTP/2 stream's state (RFC 9113 §5): state machine position, both windows, body accounting, data waiting for window. */
import type { FieldToEncode } from "./hpack_encoder.ts";
import type { StreamState } from "./stream_state.ts";

/** A stream the connection knows (open or half-closed). */
export class H2Stream {
  readonly id: number;
  state: StreamState = "idle";
  /**
   * What we may still send, in octets (peer's SETTINGS_INITIAL_WINDOW_SIZE, its WINDOW_UPDATEs);
   * negative after a settings decrease (§6.9.2). Grown only within 2^31-1 (flow_window.ts mayGrow).
   */
  sendWindow: number;
  /** What the peer may still send us, in octets. */
  recvWindow: number;
  /** Declared Content-Length of the request (client role: of the response), or -1. */
  contentLength = -1;
  /** DATA bytes received (padding excluded). */
  received = 0;
  /** Received bytes the owner released and no WINDOW_UPDATE has returned yet. */
  released = 0;
  /**
   * Server role: our response's field section went out (a reset before it is a "rapid reset").
   * Client role: the final response head came (what follows is trailers).
   */
  responded = false;
  /** Client role: the request was HEAD, so a response's content-length does not count DATA. */
  headRequest = false;
  /** Body bytes waiting for window (null until some wait), then END_STREAM and trailers if asked. */
  pending: Uint8Array[] | null = null;
  pendingBytes = 0;
  pendingEnd = false;
  pendingTrailers: readonly FieldToEncode[] | null = null;

  constructor(id: number, sendWindow: number, recvWindow: number) {
    this.id = id;
    this.sendWindow = sendWindow;
    this.recvWindow = recvWindow;
  }
}

/** The connection's streams, and what it remembers of closed ones (to tell STREAM_CLOSED from PROTOCOL_ERROR). */
export class StreamTable {
  readonly open = new Map<number, H2Stream>();
  /** Highest stream id the peer opened (server role). */
  lastPeerId = 0;
  /** Highest stream id we opened (client role: the streams are ours, the peer opens none). */
  lastLocalId = 0;
  readonly #client: boolean;
  #recent: number[] = [];
  #recentAt = 0;
  readonly #keep: number;

  constructor(keepClosed = 64, client = false) {
    this.#keep = keepClosed;
    this.#client = client;
  }

  /**
   * Where an id without an open stream stands: "idle" (never opened: above the last peer id, or
   * an even id we never used; client role: above the last id we opened, or any even id),
   * "closed" (recently closed here), "old" (at or below the last id, closed long ago or skipped).
   */
  classify(id: number): "idle" | "closed" | "old" {
    if (id % 2 === 0 || id > (this.#client ? this.lastLocalId : this.lastPeerId)) return "idle";
    return this.#recent.includes(id) ? "closed" : "old";
  }

  /** Forgets an open stream, remembering its id among the recently closed. */
  close(id: number): void {
    this.open.delete(id);
    this.remember(id);
  }

  /** Remembers a closed id (a bounded ring). */
  remember(id: number): void {
    if (this.#recent.length < this.#keep) this.#recent.push(id);
    else {
      this.#recent[this.#recentAt] = id;
      this.#recentAt = (this.#recentAt + 1) % this.#keep;
    }
  }
}
