/** A server's passive health and health-change fields (observe, onError, onMarked*, drain). */
import { z } from "zod";

/** The passive-health and health-change fields of a server entry. */
export const serverHealthFields = {
  drain: z.boolean().optional().describe(
    "Start in DRAIN (default false): no new balanced traffic, but requests whose persistence " +
      "cookie names this server still go to it, and it is still health checked. disabled wins.",
  ),
  observe: z.enum(["layer4", "layer7"]).optional().describe(
    "Passive health checks (needs check: true): layer4 counts failed connects as errors and a " +
      "successful one clears the count; layer7 (http backends) also counts failed responses " +
      "(invalid, closed or timed out before the response, status 500-599 but 501 and 505), and " +
      "a valid status clears it. errorLimit errors in a row trigger onError.",
  ),
  errorLimit: z.number().int().min(1).optional().describe(
    "Errors in a row that trigger onError (error-limit; default 10). Needs observe.",
  ),
  onError: z.enum(["fastinter", "fail-check", "sudden-death", "mark-down"]).optional().describe(
    "What errorLimit errors in a row do (on-error; default fastinter); each also makes the next " +
      "check come at fastinter. fail-check: count one failed check; sudden-death: a failed check " +
      "after which one more takes the server DOWN; mark-down: take it DOWN now. Needs observe.",
  ),
  onMarkedDown: z.enum(["shutdown-sessions"]).optional().describe(
    "shutdown-sessions: when the server goes DOWN, cut every session using it (logged with " +
      "termination D) so clients reconnect elsewhere (on-marked-down). Needs check: true.",
  ),
  onMarkedUp: z.enum(["shutdown-backup-sessions"]).optional().describe(
    "shutdown-backup-sessions: when this active server comes UP, cut every session on the " +
      "backend's backup servers (termination U) so they come back (on-marked-up). Needs check.",
  ),
};
