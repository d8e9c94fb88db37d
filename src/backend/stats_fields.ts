/** Server and backend counters in one table: HAProxy's stats field names, meanings, where kept. */
import type { Backend } from "./backend.ts";
import type { Server } from "./server.ts";

/** One counter as HAProxy's `show stat` names it, and how to read it. */
export interface StatField<T> {
  /** HAProxy's CSV field name. */
  readonly name: string;
  readonly description: string;
  /** The value now; `now` (ms since the epoch) for fields that are ages. */
  read(x: T, now: number): number;
}

const ageSeconds = (since: number, now: number) => Math.max(0, Math.floor((now - since) / 1000));

/**
 * A server's counters. tsproxy queues per backend, never per server, so qcur and qmax stay 0;
 * scur counts connections (a TCP session, or an HTTP request with its server connection).
 */
export const SERVER_FIELDS: readonly StatField<Server>[] = [
  { name: "qcur", description: "requests queued for this server", read: () => 0 },
  { name: "qmax", description: "most requests queued for this server", read: () => 0 },
  { name: "scur", description: "current sessions", read: (s) => s.cur },
  { name: "smax", description: "most sessions at once", read: (s) => s.max },
  { name: "stot", description: "sessions since start", read: (s) => s.total },
  { name: "bin", description: "bytes from clients", read: (s) => s.bytesIn },
  { name: "bout", description: "bytes to clients", read: (s) => s.bytesOut },
  { name: "econ", description: "requests that failed to connect", read: (s) => s.connectErrors },
  { name: "eresp", description: "failed responses", read: (s) => s.responseErrors },
  { name: "wretr", description: "retries on this server", read: (s) => s.retried },
  { name: "wredis", description: "times switched away from it", read: (s) => s.redispatched },
  { name: "chkfail", description: "failed health checks", read: (s) => s.failedChecks },
  { name: "chkdown", description: "UP to DOWN transitions", read: (s) => s.downTransitions },
  {
    name: "lastchg",
    description: "seconds since the last UP/DOWN change",
    read: (s, now) => ageSeconds(s.lastChange, now),
  },
  { name: "hanafail", description: "observe errorLimit reached", read: (s) => s.failedHana },
];

/** A backend's counters: its queue, its connections and its requests' errors and retries. */
export const BACKEND_FIELDS: readonly StatField<Backend>[] = [
  { name: "qcur", description: "requests queued now", read: (b) => b.queue.length },
  { name: "qmax", description: "most requests queued at once", read: (b) => b.queue.max },
  { name: "scur", description: "current sessions", read: (b) => b.cur },
  { name: "smax", description: "most sessions at once", read: (b) => b.max },
  { name: "stot", description: "sessions since start", read: (b) => b.total },
  { name: "bin", description: "bytes from clients", read: (b) => b.bytesIn },
  { name: "bout", description: "bytes to clients", read: (b) => b.bytesOut },
  { name: "econ", description: "requests that failed to connect", read: (b) => b.connectErrors },
  { name: "eresp", description: "failed responses", read: (b) => b.responseErrors },
  { name: "wretr", description: "retries on the same server", read: (b) => b.retried },
  { name: "wredis", description: "retries on another server", read: (b) => b.redispatched },
  { name: "chkdown", description: "times no server was left", read: (b) => b.downTransitions },
  {
    name: "lastchg",
    description: "seconds since it last lost or regained its servers",
    read: (b, now) => ageSeconds(b.lastChange, now),
  },
];

/** Every field of `fields` read from `x`, by name. */
export function readStats<T>(
  fields: readonly StatField<T>[],
  x: T,
  now: number = Date.now(),
): Record<string, number> {
  const row: Record<string, number> = {};
  for (const f of fields) row[f.name] = f.read(x, now);
  return row;
}
