/** What a failed HTTP response tells its server and backend: eresp counters, observe layer7. */
import type { Backend } from "../../backend/backend.ts";
import type { Server } from "../../backend/server.ts";
import type { ResponseFailureKind } from "../../backend/server_hooks.ts";

/** The reason `#fail` gives when the server closed before any response byte. */
export const SERVER_CLOSED = "server closed before responding";

/**
 * The transaction answered with the proxy's own error after its server failed the response (and no
 * retry took it over, as in HAProxy, where retries come first): "SH" an invalid head or a close
 * before the response, "sH" timeout server, "SD" an invalid start of body. Counts a response
 * error (eresp) for the server and the backend and tells the server's observer, if any.
 */
export function responseFailed(
  be: Backend,
  server: Server | null,
  termination: string,
  reason: string,
): void {
  if (server === null) return;
  let kind: ResponseFailureKind;
  if (termination === "sH") kind = "timeout";
  else if (termination === "SH") kind = reason === SERVER_CLOSED ? "closed" : "junk";
  else if (termination === "SD") kind = "junk";
  else return;
  server.counters.eresp++;
  be.counters.eresp++;
  server.observer?.responseFailed(kind);
}
