/** Health changes beyond balancing: a DOWN server's pooled connections, on-marked-down/up cuts. */
import type { Backend } from "./backend.ts";
import type { Server } from "./server.ts";

/**
 * `server` went DOWN: its idle pooled connections are closed, and with `onMarkedDown:
 * shutdown-sessions` every session using it is cut (logged with termination "D…", HAProxy's
 * SF_ERR_DOWN) so its clients reconnect to a server that works. Returns how many were cut.
 */
export function serverWentDown(backend: Backend, server: Server): number {
  backend.pool.dropServer(server);
  return server.onMarkedDown === "shutdown-sessions" ? cut(backend, server, "D") : 0;
}

/**
 * `server` came UP: with `onMarkedUp: shutdown-backup-sessions` on an active server that takes
 * traffic (UP, weight above 0), every session on the backend's backup servers is cut ("U…",
 * HAProxy's SF_ERR_UP), so long-lived clients come back to the active servers. Returns how many.
 */
export function serverCameUp(backend: Backend, server: Server): number {
  if (server.onMarkedUp !== "shutdown-backup-sessions" || server.backup) return 0;
  if (server.state !== "UP" || server.weight <= 0) return 0;
  let n = 0;
  for (const s of backend.servers) if (s.backup) n += cut(backend, s, "U");
  return n;
}

function cut(backend: Backend, server: Server, why: "D" | "U"): number {
  const all = backend.sessionsOn(server);
  for (const session of all) session.serverShutdown(why);
  return all.length;
}
