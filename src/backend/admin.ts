/** A server's admin changes at run time (READY/DRAIN/MAINT, weight, maxconn, checks on/off), each logged as HAProxy logs it. */
import { getLogger } from "@logtape/logtape";
import type { Backend } from "./backend.ts";
import { serverCameUp, serverWentDown } from "./on_marked.ts";
import type { Server } from "./server.ts";

const log = getLogger(["tsproxy", "server"]);

/** HAProxy's admin states as `set server B/S state` names them. */
export type AdminState = "ready" | "drain" | "maint";

/** Servers that have been in maintenance (HAProxy then resets an unchecked server's health to 0). */
const wentToMaint = new WeakSet<Server>();

/** True once `server` has been put in maintenance at run time (or is created in it). */
export function hasBeenInMaint(server: Server): boolean {
  return server.state === "MAINT" || wentToMaint.has(server);
}

/** `next` replaces `prev` on reload: it has been in maintenance if `prev` had. */
export function carryMaintHistory(prev: Server, next: Server): void {
  if (wentToMaint.has(prev)) wentToMaint.add(next);
}

/** The admin state `server` is in now. */
export function adminStateOf(server: Server): AdminState {
  return server.state === "MAINT" ? "maint" : server.state === "DRAIN" ? "drain" : "ready";
}

/**
 * Puts `server` of `backend` into `to`, as `set server B/S state` does: MAINT stops new traffic
 * (and drops idle pooled connections, cutting sessions with on-marked-down shutdown-sessions),
 * DRAIN keeps cookie-persistent traffic only, READY gives it back to the balancer with the state
 * the checks last found (`running`). Balancers read states live, so the next pick sees it.
 * Returns the HAProxy log line written, or "" when nothing changed.
 */
export function setAdminState(backend: Backend, server: Server, to: AdminState): string {
  const from = adminStateOf(server);
  if (from === to) return "";
  const wasUsable = takesTraffic(server);
  const now = Date.now();
  server.moveTo(
    to === "maint" ? "MAINT" : to === "drain" ? "DRAIN" : server.running ? "UP" : "DOWN",
    now,
  );
  backend.refreshBackups();
  const name = `${server.backup ? "Backup " : ""}Server ${backend.name}/${server.name}`;
  const { active, backups } = upServers(backend);
  let line: string;
  if (to === "maint") {
    wentToMaint.add(server);
    const cur = server.cur;
    serverWentDown(backend, server);
    line = `${name} is going DOWN for maintenance. ${active} active and ${backups} backup ` +
      `servers left. ${cur} sessions active, 0 requeued, ${backend.queue.length} remaining in queue.`;
  } else if (to === "drain") {
    line = `${name} enters drain state. ${active} active and ${backups} backup servers online. ` +
      `0 sessions requeued, ${backend.queue.length} total in queue.`;
  } else {
    const what = from === "maint" ? "maintenance" : "drain";
    line = `${name} is ${server.running ? "UP" : "DOWN"}${from === "maint" ? "/READY" : ""} ` +
      `(leaving forced ${what}).`;
    if (server.state === "UP") {
      server.cameUp(now);
      serverCameUp(backend, server);
    }
  }
  if (from === "maint" && to === "drain") {
    line = `${name} is ${server.running ? "UP" : "DOWN"}/DRAIN (leaving forced maintenance).`;
  }
  log.warn`${line}`;
  afterChange(backend, server, wasUsable, now);
  return line;
}

/**
 * Sets the user weight (0 to 256); weight 0 takes no new traffic. Dynamic balancers read it at the
 * next pick (static ones only see 0 or not 0, as HAProxy's).
 */
export function setWeight(backend: Backend, server: Server, weight: number): void {
  const wasUsable = takesTraffic(server);
  server.weight = weight;
  backend.refreshBackups();
  afterChange(backend, server, wasUsable, Date.now());
}

/** Sets a server's maxconn (0: none); requests queued for a slot are let in when it grew. */
export function setMaxconn(backend: Backend, server: Server, maxconn: number): void {
  server.changeMaxconn(maxconn);
  wakeQueue(backend);
}

/**
 * `enable health` / `disable health`: a disabled server's checker skips its turns, so checks no
 * longer move it (it keeps the state they last gave). False when the server has no checks.
 */
export function setHealthEnabled(server: Server, on: boolean): boolean {
  if (!server.checked) return false;
  server.healthEnabled = on;
  return true;
}

/** The backend lost its last usable server, or got one back: counted and logged as a check would. */
function afterChange(backend: Backend, server: Server, wasUsable: boolean, now: number): void {
  const usable = takesTraffic(server);
  if (wasUsable === usable) {
    if (usable) wakeQueue(backend);
    return;
  }
  const { active, backups } = upServers(backend);
  if (!usable) server.counters.chkdown++;
  if (active + backups === (usable ? 1 : 0)) {
    backend.lastChange = now;
    if (!usable) {
      backend.counters.chkdown++;
      log.error`backend ${backend.name} has no server available!`;
    }
  }
  if (usable) wakeQueue(backend);
}

/** Hands the slots usable servers have free to queued requests (they take them on a later turn). */
function wakeQueue(backend: Backend): void {
  let free = 0;
  for (const s of backend.servers) {
    if (s.usable) free += s.maxconn === 0 ? Infinity : s.maxconn - s.cur;
  }
  for (let n = Math.min(free, backend.queue.length); n > 0; n--) {
    if (!backend.queue.wake()) break;
  }
}

function takesTraffic(s: Server): boolean {
  return s.state === "UP" && s.weight > 0;
}

/** The servers of `be` taking traffic (UP, weight above 0), active and backup. */
function upServers(be: Backend): { active: number; backups: number } {
  let active = 0, backups = 0;
  for (const x of be.servers) {
    if (!takesTraffic(x)) continue;
    if (x.backup) backups++;
    else active++;
  }
  return { active, backups };
}
