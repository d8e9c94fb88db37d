/** The log phase's one access-record builder, for TCP sessions, HTTP transactions and the proxy's own answers. */
import type { Backend } from "../../backend/backend.ts";
import type { Server } from "../../backend/server.ts";
import type { AccessRecord } from "../../log/access.ts";
import type { Socket } from "../../runtime/types.ts";
import { now as clock } from "../../runtime/clock.ts";

/** What the log reads of the frontend: its name and the connection counts. */
export interface LoggingFrontend {
  readonly name: string;
  readonly cur: number;
  readonly processCur: number;
}

/** What one session or transaction measured; times in ms since the epoch, durations -1 when not reached. */
export interface LogFacts {
  /** Accepted (tcplog) or first byte of the request head (httplog). */
  start: number;
  /** The request head was complete (TR ends); -1 in TCP mode. */
  headDone: number;
  /** In the backend's queue (Tw), connecting (Tc), request sent to response head (Tr). */
  tw: number;
  tc: number;
  tresp: number;
  /** 0 or less: none (TCP mode, or nothing answered). */
  status: number;
  bytesOut: number;
  retries: number;
  termination: string;
  /** The phase a failure ended it in; null: it ended normally (logged as "log"). */
  phase: string | null;
  /** The request line ("" in TCP mode); with a reason, the log quotes it after the line. */
  request: string;
  reason: string;
  /** HTTP: the client's protocol version ("1.0", "1.1", "2.0"); absent in TCP mode. */
  version?: string | undefined;
}

/**
 * The access record of one session or transaction. `backend` null: answered before any backend was
 * chosen (a rejected request head), logged under the frontend's name as HAProxy does.
 */
export function accessRecord(
  client: Socket,
  fe: LoggingFrontend,
  backend: Backend | null,
  server: Server | null,
  f: LogFacts,
): AccessRecord {
  const now = clock();
  return {
    clientIp: client.remoteAddress,
    clientPort: client.remotePort,
    start: f.start,
    frontend: fe.name,
    backend: backend?.name ?? fe.name,
    server: server?.name ?? "<NOSRV>",
    tr: f.headDone < 0 ? -1 : f.headDone - f.start,
    tw: f.tw,
    tc: f.tc,
    tresp: f.tresp,
    ta: now - f.start,
    status: f.status > 0 ? f.status : -1,
    bytes: f.bytesOut,
    termination: f.termination,
    phase: f.phase ?? "log",
    actconn: fe.processCur,
    feconn: fe.cur,
    beconn: backend?.cur ?? 0,
    srvconn: server?.cur ?? 0,
    retries: f.retries,
    srvQueue: 0,
    beQueue: backend?.queue.length ?? 0,
    request: f.reason ? `${f.request}" reason="${f.reason}` : f.request,
    version: f.version,
  };
}
