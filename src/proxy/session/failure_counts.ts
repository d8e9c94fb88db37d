/** The counters a failure adds to, read from the failure alone: ereq, dreq, dresp, cli_abrt, srv_abrt, eresp and observe layer7. */
import type { Backend } from "../../backend/backend.ts";
import type { Server } from "../../backend/server.ts";
import type { Failure, Phase } from "../../failure/failure.ts";
import type { FrontendCounters } from "../../stats/counters.ts";

/** Phases where bytes flow between the sides: an abort there is a data transfer aborted. */
const DATA: ReadonlySet<Phase> = new Set(["send-request", "forward-response", "forward", "tunnel"]);

/** Phases where the proxy refusing a request is a denial by rules (dreq). */
const REQUEST_RULES: ReadonlySet<Phase> = new Set([
  "tcp-request-rules",
  "http-request-rules",
  "tarpit",
]);

/**
 * Counts `f` where HAProxy's stats count it. The proxy refusing the request is `dreq` (rules) or
 * `ereq` (an invalid request), refusing the response `dresp`; a client timing out or leaving while
 * its request head is read is `ereq`, during a data phase `cli_abrt`; a server leaving or timing out
 * during a data phase is `srv_abrt`. A failure that observation reads (an invalid response head, a
 * close before the response, timeout server, an invalid start of body) is a response error
 * (`eresp`) for the server and the backend, and the server's observer, if any, hears of it.
 * Connect failures (`econ`) and retries are counted where they happen, in connectToBackend.
 */
export function countFailure(
  f: Failure,
  fe: FrontendCounters,
  be: Backend | null,
  server: Server | null,
): void {
  switch (f.cause) {
    case "proxy":
      if (REQUEST_RULES.has(f.phase)) {
        fe.dreq++;
        if (be) be.counters.dreq++;
      } else if (f.phase === "http-response-rules") {
        fe.dresp++;
        if (be) be.counters.dresp++;
        if (server) server.counters.dresp++;
      } else if (f.phase === "wait-request") fe.ereq++;
      break;
    case "client-abort":
    case "client-timeout":
      if (f.phase === "wait-request") fe.ereq++;
      else if (DATA.has(f.phase)) {
        if (be) be.counters.cliAbrt++;
        if (server) server.counters.cliAbrt++;
      }
      break;
    case "server-abort":
    case "server-timeout":
      if (DATA.has(f.phase)) {
        if (be) be.counters.srvAbrt++;
        if (server) server.counters.srvAbrt++;
      }
      break;
    default:
      break;
  }
  if (server === null || be === null || f.observe === null) return;
  server.counters.eresp++;
  be.counters.eresp++;
  server.observer?.responseFailed(f.observe);
}
