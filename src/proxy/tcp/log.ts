/** Phase "log" of a TCP session: one tcplog record per connection. */
import type { AccessRecord } from "../../log/access.ts";
import { accessRecord } from "../session/access_record.ts";
import type { SessionOwner } from "./owner.ts";
import type { TcpSession } from "./session.ts";

/** The session's record: its timers, the bytes the server sent, how it ended. */
export function tcplogRecord(s: TcpSession, owner: SessionOwner): AccessRecord {
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
    request: "",
    reason: "",
  });
}
