/** A Backend as the rules engine reads it (`nbsrv`, `be_conn`, `connslots`, `srv_conn`), live. */
import type { Backend } from "../../backend/backend.ts";
import type { Server } from "../../backend/server.ts";
import type { BackendSample } from "../../rules/types.ts";

const SAMPLES = new WeakMap<Backend, BackendSample>();

/**
 * The BackendSample of `b`, one per backend (build it once, hand it to every context): each call
 * reads the servers' current state and counters.
 *
 * @example
 * ```ts
 * const byName = new Map(backends.map((b) => [b.name, backendSample(b)]));
 * ctx.backends = (name) => byName.get(name);
 * ```
 */
export function backendSample(b: Backend): BackendSample {
  let s = SAMPLES.get(b);
  if (!s) {
    s = {
      name: b.name,
      usableServers: () => usableServers(b.servers),
      conn: () => b.cur,
      slots: () => slots(b.servers),
      serverConn: (name) => b.servers.find((srv) => srv.name === name)?.cur,
    };
    SAMPLES.set(b, s);
  }
  return s;
}

/**
 * HAProxy's `nbsrv`: the active servers that are up with a weight, or when there are none the
 * backups that are (our balancers use every such backup, as HAProxy's `allbackups`). A server at
 * its maxconn still counts: it is up, only busy.
 */
function usableServers(servers: readonly Server[]): number {
  let active = 0, backup = 0;
  for (const s of servers) {
    if (s.state !== "UP" || s.weight <= 0) continue;
    if (s.backup) backup++;
    else active++;
  }
  return active > 0 ? active : backup;
}

/**
 * HAProxy's `connslots`: over the servers not stopped (DOWN or in maintenance), the free
 * connection slots (maxconn − current), or -1 when one of them has no maxconn (unlimited). HAProxy
 * adds each server's free queue slots (maxqueue − queued) and answers -1 when a maxqueue is unset;
 * here the queue is the backend's, without a maxqueue, so only connection slots are counted.
 */
function slots(servers: readonly Server[]): number {
  let free = 0;
  for (const s of servers) {
    if (s.state === "DOWN" || s.state === "MAINT") continue;
    if (s.maxconn === 0) return -1;
    free += s.maxconn - s.cur;
  }
  return free;
}
