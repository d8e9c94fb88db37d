/** What an H2Connection reports to its owner: requests (responses in the client role), body data, trailers, resets, the peer's GOAWAY, its own end. */
import type { HeaderField } from "../http1/types.ts";
import type { CheckedRequest } from "./request_check.ts";

export type H2Event =
  /** A request's field section, checked (pseudo-fields, names, connection-specific fields). */
  | {
    type: "headers";
    streamId: number;
    request: CheckedRequest;
    headers: HeaderField[];
    endStream: boolean;
  }
  /**
   * Client role: a response's field section on one of our streams, checked (`:status`, names,
   * connection-specific fields). `status` < 200 is an interim response; another follows.
   */
  | {
    type: "response";
    streamId: number;
    status: number;
    /** The regular fields (`:status` removed). */
    headers: HeaderField[];
    endStream: boolean;
  }
  /**
   * Body bytes (padding removed), a view valid during the call only. Their flow-control credit
   * comes back when the owner calls `release(streamId, n)`.
   */
  | { type: "data"; streamId: number; data: Uint8Array; endStream: boolean }
  /** A trailer section (always ends the request). */
  | { type: "trailers"; streamId: number; headers: HeaderField[] }
  /** A stream ended abnormally: reset by the peer (`byPeer`), or by us for a stream error. */
  | { type: "reset"; streamId: number; code: number; byPeer: boolean; reason: string }
  /** A request the connection answered itself (431: field section over maxHeaderListSize). */
  | { type: "refused"; streamId: number; status: number; reason: string }
  /** The peer's GOAWAY: it opens no stream above `lastStreamId`. */
  | { type: "goaway"; lastStreamId: number; code: number; debug: string }
  /** A connection error: GOAWAY with `code` is in the output; write it, then close. */
  | { type: "error"; code: number; reason: string };
