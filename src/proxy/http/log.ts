/** The log phase of an HTTP transaction: its timers and counters as one httplog record. */
import type { Backend } from "../../backend/backend.ts";
import type { Server } from "../../backend/server.ts";
import type { HttpSession } from "./session.ts";

/** What a transaction measured; times are ms since the epoch (start, headDone) or durations (-1: not reached). */
export interface TransactionFacts {
  start: number;
  headDone: number;
  /** Time in the backend's queue. */
  tw: number;
  tc: number;
  tresp: number;
  status: number;
  bytesOut: number;
  retries: number;
  termination: string;
  request: string;
}

export function logTransaction(
  s: HttpSession,
  be: Backend,
  server: Server | null,
  f: TransactionFacts,
): void {
  s.owner.logAccess({
    clientIp: s.client.remoteAddress,
    clientPort: s.client.remotePort,
    start: f.start,
    frontend: s.owner.name,
    backend: be.name,
    server: server?.name ?? "<NOSRV>",
    tr: f.headDone - f.start,
    tw: f.tw,
    tc: f.tc,
    tresp: f.tresp,
    ta: Date.now() - f.start,
    status: f.status || -1,
    bytes: f.bytesOut,
    termination: f.termination,
    actconn: s.owner.processCur,
    feconn: s.owner.cur,
    beconn: be.cur,
    srvconn: server?.cur ?? 0,
    retries: f.retries,
    srvQueue: 0,
    beQueue: be.queue.length,
    request: f.request,
  });
}
