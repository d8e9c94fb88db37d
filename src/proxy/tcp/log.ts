/** Phase "log" of a TCP session: one tcplog record per connection. */
import type { AccessRecord } from "../../log/access.ts";
import { accessRecord } from "../session/access_record.ts";
import type { SessionOwner } from "./owner.ts";
import type { Server } from "../../backend/server.ts";
import type { Backend } from "../../backend/backend.ts";
import type { Socket } from "../../runtime/types.ts";

/** What the log reads of a TCP session (TcpSession). */
export interface LoggedSession {
  readonly client: Socket;
  readonly backend: Backend;
  readonly server: Server | null;
  readonly acceptedAt: number;
  readonly queueMs: number;
  readonly connectMs: number;
  readonly bytesFromServer: number;
  readonly retries: number;
  readonly termination: string;
  /** The phase a failure ended it in; null: it ended normally. */
  readonly endPhase: string | null;
}

/** The session's record: its timers, the bytes the server sent, how it ended. */
export function tcplogRecord(s: LoggedSession, owner: SessionOwner): AccessRecord {
  return accessRecord(s.client, owner, s.backend, s.server, {
    start: s.acceptedAt,
    headDone: -1,
    tw: s.queueMs,
    tc: s.connectMs,
    tresp: -1,
    status: -1,
    bytesOut: s.bytesFromServer,
    retries: s.retries,
    termination: s.termination,
    phase: s.endPhase,
    request: "",
    reason: "",
  });
}
