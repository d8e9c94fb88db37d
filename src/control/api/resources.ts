/** The REST resources' JSON shapes, read from the metrics views (backends and their servers). */
import type { BackendView, ServerView } from "../../stats/views.ts";

export function serverJson(s: ServerView): Record<string, unknown> {
  return {
    name: s.name,
    cur: s.cur,
    max: s.max,
    maxconn: s.maxconn,
    maxqueue: s.maxqueue,
    lastChange: new Date(s.lastChange).toISOString(),
    counters: { ...s.counters },
  };
}

export function backendJson(b: BackendView): Record<string, unknown> {
  return {
    name: b.name,
    cur: b.cur,
    max: b.max,
    queue: { cur: b.queue.length, max: b.queue.max },
    servers: b.servers.map((s) => s.name),
  };
}
