/** What a failed HTTP response tells its server and backend: eresp counters, observe layer7. */
import type { Backend } from "../../backend/backend.ts";
import type { Server } from "../../backend/server.ts";
import type { Failure } from "../../failure/failure.ts";

/**
 * The transaction answered with the proxy's own error after its server failed the response (and no
 * retry took it over, as in HAProxy, where retries come first): a failure that observation reads
 * (an invalid head, a close before the response, timeout server, an invalid start of body) counts
 * a response error (eresp) for the server and the backend and tells the server's observer, if any.
 */
export function countFailure(f: Failure, be: Backend, server: Server | null): void {
  if (server === null || f.observe === null) return;
  server.counters.eresp++;
  be.counters.eresp++;
  server.observer?.responseFailed(f.observe);
}
