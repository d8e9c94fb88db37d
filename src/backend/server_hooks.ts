/** What live traffic tells a server (observe), and what its health changes may cut (onMarked*). */
import type { ResponseFailureKind } from "../failure/failure.ts";

export type { ResponseFailureKind };

/**
 * The passive health observer of a server with `observe` (src/check/observe.ts implements it). A
 * server without one has `observer === null`: the traffic paths pay one null test.
 */
export interface ServerObserver {
  /** A connect attempt to the server succeeded or failed (refused, timed out). */
  connected(ok: boolean): void;
  /** A response head with this status arrived (and was not retried elsewhere). */
  status(code: number): void;
  /** A response failed: junk (invalid head), closed (server closed before it), timeout. */
  responseFailed(kind: ResponseFailureKind): void;
}

/**
 * Something using a connection to a server that a health change may cut: a TCP session, or an
 * HTTP transaction with its server connection. `why` is HAProxy's termination code: "D" the server
 * went DOWN (on-marked-down shutdown-sessions), "U" an active server came UP (on-marked-up
 * shutdown-backup-sessions, for sessions on backup servers), "K" an operator killed them
 * (`shutdown sessions server`).
 */
export interface ServerSession {
  serverShutdown(why: "D" | "U" | "K"): void;
}
