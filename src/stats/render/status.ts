/** HAProxy's status words for servers, backends and frontends, and its short check status codes. */
import { activeServers, backupServers } from "../rows_state.ts";
import type { BackendView, ServerView } from "../views.ts";

/**
 * A server's status column as HAProxy prints it (stats.c, srv_stats_state): MAINT; "no check"
 * for an unchecked server UP; UP, "UP 1/3" while failing checks toward DOWN (health - rise + 1 /
 * fall); DOWN, "DOWN 1/2" while passing checks toward UP (health / rise); DRAIN, "DRAIN 1/3".
 */
export function serverStatus(s: ServerView): string {
  if (s.state === "MAINT") return "MAINT";
  const full = s.checkRise + s.checkFall - 1;
  if (s.running) {
    const goingDown = s.checked && s.checkHealth < full;
    const part = goingDown ? ` ${s.checkHealth - s.checkRise + 1}/${s.checkFall}` : "";
    if (s.state === "DRAIN") return `DRAIN${part}`;
    if (!s.checked) return "no check";
    return `UP${part}`;
  }
  if (s.checked && s.checkHealth > 0) return `DOWN ${s.checkHealth}/${s.checkRise}`;
  return "DOWN";
}

/** A backend is UP while a server takes traffic, else DOWN. */
export function backendStatus(b: BackendView): "UP" | "DOWN" {
  return activeServers(b) + backupServers(b) > 0 ? "UP" : "DOWN";
}

/** HAProxy's short check status (L4CON, L7STS, ...) by its description (src/check/verdict.ts). */
const SHORT: Readonly<Record<string, string>> = {
  "Layer4 check passed": "L4OK",
  "Layer4 timeout": "L4TOUT",
  "Layer4 connection problem": "L4CON",
  "Layer6 invalid response": "L6RSP",
  "Layer7 check passed": "L7OK",
  "Layer7 timeout": "L7TOUT",
  "Layer7 invalid response": "L7RSP",
  "Layer7 wrong status": "L7STS",
  "Health analyze": "HANA",
  "Socket error": "SOCKERR",
};

/** Every short check status HAProxy's exporter labels (haproxy_server_check_status{state}). */
export const CHECK_STATES: readonly string[] = [
  "HANA",
  "SOCKERR",
  "L4OK",
  "L4TOUT",
  "L4CON",
  "L6OK",
  "L6TOUT",
  "L6RSP",
  "L7TOUT",
  "L7RSP",
  "L7OK",
  "L7OKC",
  "L7STS",
  "PROCERR",
  "PROCTOUT",
  "PROCOK",
];

/** The short code of a check description; "UNK" for one HAProxy has no code for. */
export function checkShort(status: string): string {
  return SHORT[status] ?? "UNK";
}

/** True when HAProxy prints the check's HTTP code (L7OK, L7STS). */
export function showsCheckCode(status: string): boolean {
  return status === "Layer7 check passed" || status === "Layer7 wrong status";
}
