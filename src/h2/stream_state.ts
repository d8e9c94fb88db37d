/** The HTTP/2 stream state machine (RFC 9113 §5.1), pure: a state and an event give the next state or null. */

export type StreamState =
  | "idle"
  | "reserved-local"
  | "reserved-remote"
  | "open"
  | "half-closed-local"
  | "half-closed-remote"
  | "closed";

/** What happens to a stream: a HEADERS sent or received, END_STREAM either way, RST_STREAM either way, PUSH_PROMISE. */
export type StreamEvent =
  | "send-headers"
  | "recv-headers"
  | "send-end-stream"
  | "recv-end-stream"
  | "send-rst"
  | "recv-rst"
  | "send-push-promise"
  | "recv-push-promise";

/**
 * The state after `event`, or null when §5.1 does not allow it from `state` (the caller maps
 * null to its error: PROTOCOL_ERROR from idle, STREAM_CLOSED from a closed or half-closed side).
 */
export function nextState(state: StreamState, event: StreamEvent): StreamState | null {
  switch (event) {
    case "send-rst":
    case "recv-rst":
      return state === "idle" ? null : "closed";
    case "send-push-promise":
      return state === "idle" ? "reserved-local" : null;
    case "recv-push-promise":
      return state === "idle" ? "reserved-remote" : null;
    case "send-headers":
      if (state === "idle") return "open";
      if (state === "reserved-local") return "half-closed-remote";
      return state === "open" || state === "half-closed-remote" ? state : null;
    case "recv-headers":
      if (state === "idle") return "open";
      if (state === "reserved-remote") return "half-closed-local";
      return state === "open" || state === "half-closed-local" ? state : null;
    case "send-end-stream":
      if (state === "open") return "half-closed-local";
      return state === "half-closed-remote" ? "closed" : null;
    case "recv-end-stream":
      if (state === "open") return "half-closed-remote";
      return state === "half-closed-local" ? "closed" : null;
  }
}

/** Whether the peer may still send DATA or HEADERS on a stream in `state`. */
export function peerMaySend(state: StreamState): boolean {
  return state === "open" || state === "half-closed-local";
}

/** Whether we may still send DATA or HEADERS on a stream in `state`. */
export function weMaySend(state: StreamState): boolean {
  return state === "open" || state === "half-closed-remote";
}
