/** The proxy's own answer to a request it refused before any transaction: counted, logged; and the request line the log quotes. */
import type { Failure } from "../../failure/failure.ts";
import type { Socket } from "../../runtime/types.ts";
import { countStatus } from "../../stats/counters.ts";
import { accessRecord } from "../session/access_record.ts";
import { countFailure } from "../session/failure_counts.ts";
import type { HttpOwner } from "./options.ts";
import { now } from "../../runtime/clock.ts";

/** Counts and logs an answer of `bytes` the proxy wrote for failure `f` (a refused head, a timeout). */
export function countOwnAnswer(
  owner: HttpOwner,
  client: Socket,
  f: Failure,
  start: number,
  request: string,
  bytes: number,
): void {
  const fe = owner.counters;
  countFailure(f, fe, null, null);
  fe.bout += bytes;
  countStatus(fe, f.status);
  if (!owner.logsAccess) return;
  owner.logAccess(accessRecord(client, owner, null, null, {
    start,
    headDone: now(),
    tw: -1,
    tc: -1,
    tresp: -1,
    status: f.status,
    bytesOut: bytes,
    retries: 0,
    termination: f.termination,
    phase: f.phase,
    request,
    reason: f.reason,
  }));
}

/** The request line of a raw head for the log, or <BADREQ>. */
export function firstLine(raw: Uint8Array): string {
  let end = raw.indexOf(13);
  if (end < 0) end = raw.indexOf(10);
  if (end < 0) end = Math.min(raw.length, 200);
  let s = "";
  for (let i = 0; i < end && i < 200; i++) {
    const c = raw[i]!;
    s += c >= 32 && c < 127 && c !== 34
      ? String.fromCharCode(c)
      : `\\x${c.toString(16).padStart(2, "0")}`;
  }
  return s || "<BADREQ>";
}
