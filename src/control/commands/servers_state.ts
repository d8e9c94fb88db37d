/** `show servers state [backend]`: HAProxy's server-state file format (version 1), column for column. */
import { hasBeenInMaint } from "../../backend/admin.ts";
import type { Backend } from "../../backend/backend.ts";
import type { Server } from "../../backend/server.ts";

export const SERVERS_STATE_HEADER = "# be_id be_name srv_id srv_name srv_addr srv_op_state " +
  "srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status " +
  "srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id " +
  "srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr " +
  "srv_agent_addr srv_agent_port";

/** HAProxy's HCHK_STATUS_* numbers by the status text our checks report. */
const CHECK_STATUS: Readonly<Record<string, number>> = {
  "Health analyze": 4,
  "Socket error": 5,
  "Layer4 check passed": 6,
  "Layer4 timeout": 7,
  "Layer4 connection problem": 8,
  "Layer6 check passed": 9,
  "Layer6 timeout": 10,
  "Layer6 invalid response": 11,
  "Layer7 timeout": 12,
  "Layer7 invalid response": 13,
  "Layer7 check passed": 14,
  "Layer7 check conditionally passed": 15,
  "Layer7 wrong status": 16,
};

/** One line of the dump for `server` of `backend` (numbered `beId`). */
export function serverStateLine(beId: number, backend: Backend, s: Server, now: number): string {
  // HAProxy stops a server in maintenance (op state STOPPED), whatever its checks say
  const op = s.state === "UP" || (s.state === "DRAIN" && s.running) ? 2 : 0;
  const admin = s.state === "MAINT" ? 1 : s.state === "DRAIN" ? 8 : 0;
  const last = s.lastCheck;
  const status = last === null ? 1 : CHECK_STATUS[last.status] ?? 0;
  const result = last === null ? 0 : last.ok ? 3 : 2;
  const checkState = s.checked ? (s.healthEnabled ? 6 : 2) : 0;
  const since = Math.max(0, Math.floor((now - s.lastChange) / 1000));
  return [
    beId,
    backend.name,
    s.id,
    s.name,
    s.host,
    op,
    admin,
    s.weight,
    s.initialWeight,
    since,
    status,
    result,
    checkHealth(s),
    checkState,
    0,
    0,
    0,
    "-",
    s.port,
    "-",
    s.tls === null ? 0 : 1,
    0,
    "-",
    "-",
    0,
  ].join(" ");
}

/**
 * A checked server's health; an unchecked one shows HAProxy's initial value (rise, 2 by default)
 * until it was put in maintenance, which resets it to 0.
 */
function checkHealth(s: Server): number {
  if (s.checked) return s.checkHealth;
  return hasBeenInMaint(s) ? 0 : 2;
}
