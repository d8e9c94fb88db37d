/** HTTP retries after a server failed a request it had received (retry-on beyond conn-failure): when allowed, and to which server. */
import type { Backend } from "../../backend/backend.ts";
import { countRetry } from "../../backend/connect.ts";
import { redispatches } from "../../backend/retry.ts";
import type { Server } from "../../backend/server.ts";
import type { RetryCondition } from "../../failure/failure.ts";
import type { PickContext } from "../../lb/types.ts";

/** The retry-on condition of a failed response: a failure's, or the status the server answered. */
export type ResponseFailure = RetryCondition | number | null;

/** What the transaction knows when deciding whether to send the request again. */
export interface RetryState {
  /** Retries used so far (connect retries included). */
  retries: number;
  /** True when the request has no body (nothing would need buffering to send it again). */
  bodiless: boolean;
  /** Bytes of the response already sent to the client (1xx included): any means no retry. */
  bytesOut: number;
}

/** True when `retryOn` lists `failure` and the request can be sent again unchanged. */
export function mayRetry(be: Backend, failure: ResponseFailure, st: RetryState): boolean {
  if (failure === null || !st.bodiless || st.bytesOut > 0 || st.retries >= be.retries) return false;
  const on = be.retryOn;
  if (failure === "empty-response") return on.emptyResponse;
  if (failure === "junk-response") return on.junkResponse;
  if (failure === "response-timeout") return on.responseTimeout;
  if (failure === "conn-failure") return false; // connect retries happen in connectToBackend
  return on.statuses.has(failure);
}

/**
 * The server for retry number `n`: another one when option redispatch says so and one is usable
 * (servers already tried are skipped), else the same. Counted as a retry or a redispatch.
 */
export function retryServer(
  be: Backend,
  failed: Server,
  n: number,
  tried: Set<Server>,
  ctx: PickContext,
): Server {
  tried.add(failed);
  const to = redispatches(n, be.retries, be.redispatch)
    ? be.pick({ ...ctx, exclude: tried }) ?? failed
    : failed;
  return countRetry(be, failed, to);
}
