/** The one failure model: the side at fault, the phase, HAProxy's termination code, whether a retry is safe, the status to answer. */

/** How a response failed, for observe layer7 (HAProxy's HANA_STATUS_HTTP_*). */
export type ResponseFailureKind = "junk" | "closed" | "timeout";

/**
 * The named phases of a session and its transactions, in order. TCP sessions run accept,
 * tcp-request-rules, choose-backend, queue, connect, forward, log; HTTP transactions the rest.
 * The same names stand in code (phase methods), logs and docs/architecture.md.
 */
export const PHASES = [
  "accept",
  "tcp-request-rules",
  "wait-request",
  "http-request-rules",
  "tarpit",
  "choose-backend",
  "queue",
  "connect",
  "send-request",
  "wait-response",
  "http-response-rules",
  "forward-response",
  "forward",
  "tunnel",
  "log",
] as const;
export type Phase = typeof PHASES[number];

/** Who is at fault. */
export type Side = "client" | "server" | "proxy" | "internal";

/**
 * What ended the session, with HAProxy's first termination letter: C/c the client aborted or timed
 * out, S/s the server, P the proxy refused (rules, limits, invalid request), L the proxy answered
 * itself, R a resource ran out, I an internal error, D/U a server went DOWN / came UP
 * (on-marked-down/up), K killed (hard stop).
 */
export const CAUSES = {
  "client-abort": { letter: "C", side: "client" },
  "client-timeout": { letter: "c", side: "client" },
  "server-abort": { letter: "S", side: "server" },
  "server-timeout": { letter: "s", side: "server" },
  "proxy": { letter: "P", side: "proxy" },
  "local": { letter: "L", side: "proxy" },
  "resource": { letter: "R", side: "proxy" },
  "internal": { letter: "I", side: "internal" },
  "server-down": { letter: "D", side: "server" },
  "server-up": { letter: "U", side: "proxy" },
  "killed": { letter: "K", side: "proxy" },
} as const satisfies Record<string, { letter: string; side: Side }>;
export type Cause = keyof typeof CAUSES;

/** HAProxy's second termination letter: the session's state in each phase. */
const STATE: Readonly<Record<Phase, string>> = {
  "accept": "R",
  "tcp-request-rules": "R",
  "wait-request": "R",
  "http-request-rules": "R",
  "tarpit": "T",
  "choose-backend": "R",
  "queue": "Q",
  "connect": "C",
  "send-request": "D",
  "wait-response": "H",
  "http-response-rules": "H",
  "forward-response": "D",
  "forward": "D",
  "tunnel": "D",
  "log": "L",
};

/** The `retryOn` condition (HAProxy's retry-on keyword) that covers a failure; a number is a status. */
export type RetryCondition =
  | "conn-failure"
  | "empty-response"
  | "junk-response"
  | "response-timeout";

export interface Failure {
  readonly cause: Cause;
  readonly side: Side;
  readonly phase: Phase;
  /** HAProxy's two-letter termination state (`sC`, `SH`, `PR`, …), derived from cause and phase. */
  readonly termination: string;
  /** The retry-on condition that would send the request again; null: never safe to retry. */
  readonly retryOn: RetryCondition | null;
  /** The status the proxy answers with; 0: nothing to answer (the connection is cut). */
  readonly status: number;
  /** For the log's reason and messages. */
  readonly reason: string;
  /** What passive health observation learns of the server (observe layer7), if anything. */
  readonly observe: ResponseFailureKind | null;
}

/** Options of {@link failure}: what differs from "cut, no retry, nothing to observe". */
export interface FailureOptions {
  status?: number;
  reason?: string;
  retryOn?: RetryCondition;
  observe?: ResponseFailureKind;
}

/** Builds a failure; the termination code follows from the cause and the phase. */
export function failure(cause: Cause, phase: Phase, o: FailureOptions = {}): Failure {
  const c = CAUSES[cause];
  return {
    cause,
    side: c.side,
    phase,
    termination: c.letter + STATE[phase],
    retryOn: o.retryOn ?? null,
    status: o.status ?? 0,
    reason: o.reason ?? "",
    observe: o.observe ?? null,
  };
}

/** The termination of a session that ended normally. */
export const NORMAL = "--";

/** The reason given when the server closed before any response byte. */
const SERVER_CLOSED = "server closed before responding";

/** The server closed before the response head was complete (`SH`, retry-on empty or junk response). */
export function serverClosed(headBytes: boolean): Failure {
  return failure("server-abort", "wait-response", {
    status: 502,
    reason: SERVER_CLOSED,
    retryOn: headBytes ? "junk-response" : "empty-response",
    observe: "closed",
  });
}

/** The server sent bytes that are no valid response head (`SH`, retry-on junk-response). */
export function invalidResponse(reason: string): Failure {
  return failure("server-abort", "wait-response", {
    status: 502,
    reason,
    retryOn: "junk-response",
    observe: "junk",
  });
}

/** timeout server before the response head (`sH`, 504, retry-on response-timeout). */
export const SERVER_TIMEOUT: Failure = failure("server-timeout", "wait-response", {
  status: 504,
  reason: "server timeout",
  retryOn: "response-timeout",
  observe: "timeout",
});
