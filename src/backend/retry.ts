/** Retry policy: `retry-on` conditions (HAProxy syntax) and `option redispatch <interval>`, which retry may go to another server. */

/** Conditions after which a request may be sent again (HAProxy's retry-on keywords). */
export type RetryCondition =
  | "conn-failure"
  | "empty-response"
  | "junk-response"
  | "response-timeout"
  | number;

/** The parsed `retry-on` line: connection failures and, for HTTP, response-side conditions. */
export interface RetryOn {
  readonly connFailure: boolean;
  readonly emptyResponse: boolean;
  readonly junkResponse: boolean;
  readonly responseTimeout: boolean;
  /** Statuses that make the response discarded and the request sent again. */
  readonly statuses: ReadonlySet<number>;
}

const STATUSES = [401, 403, 404, 408, 425, 500, 501, 502, 503, 504];
const KEYWORDS = [
  "none",
  "conn-failure",
  "empty-response",
  "junk-response",
  "response-timeout",
  "0rtt-rejected",
  "all-retryable-errors",
  ...STATUSES.map(String),
];

/** HAProxy's default: only connection failures are retried. */
export const DEFAULT_RETRY_ON: RetryOn = {
  connFailure: true,
  emptyResponse: false,
  junkResponse: false,
  responseTimeout: false,
  statuses: new Set(),
};

/**
 * Parses `retry-on` keywords (`conn-failure empty-response 503`, `all-retryable-errors`, `none`).
 * Returns an error message naming the bad word instead of throwing.
 */
export function parseRetryOn(
  text: string,
): { ok: true; value: RetryOn } | { ok: false; error: string } {
  const words = text.trim().split(/\s+/).filter((w) => w !== "");
  if (words.length === 0) return { ok: false, error: "expected retry-on keywords" };
  let connFailure = false, emptyResponse = false, junkResponse = false, responseTimeout = false;
  const statuses = new Set<number>();
  for (const w of words) {
    if (!KEYWORDS.includes(w)) {
      return {
        ok: false,
        error: `unknown retry-on keyword "${w}" (known: ${KEYWORDS.join(", ")})`,
      };
    }
    if (w === "none" && words.length > 1) {
      return { ok: false, error: `"none" cannot be combined with other retry-on keywords` };
    }
    if (w === "conn-failure") connFailure = true;
    else if (w === "empty-response") emptyResponse = true;
    else if (w === "junk-response") junkResponse = true;
    else if (w === "response-timeout") responseTimeout = true;
    else if (w === "all-retryable-errors") {
      // HAProxy: conn-failure empty-response junk-response response-timeout 0rtt-rejected 500 502 503 504
      connFailure =
        emptyResponse =
        junkResponse =
        responseTimeout =
          true;
      for (const s of [500, 502, 503, 504]) statuses.add(s);
    } else if (/^\d{3}$/.test(w)) statuses.add(Number(w));
  }
  return {
    ok: true,
    value: { connFailure, emptyResponse, junkResponse, responseTimeout, statuses },
  };
}

/**
 * Whether retry number `n` (1 for the first retry) of `retries` goes to another server, under
 * `option redispatch <interval>`: a positive P redispatches every Pth retry, a negative -N on
 * the Nth retry before the last (-1: the last), 0 never (retries stay on the same server).
 */
export function redispatches(n: number, retries: number, interval: number): boolean {
  if (interval > 0) return n % interval === 0;
  if (interval < 0) return n === retries + 1 + interval;
  return false;
}
