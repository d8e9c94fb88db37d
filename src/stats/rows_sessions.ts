/** Metrics table rows for queues, sessions, limits, bytes and state changes (frontend, backend, server). */
import { ageSeconds, field, type MetricRow } from "./row.ts";

export const SESSION_ROWS: readonly MetricRow[] = [
  {
    haproxyField: "qcur",
    prometheus: "current_queue",
    kind: "gauge",
    description:
      "requests waiting for a server slot now (tsproxy queues per backend: 0 per server)",
    read: { backend: (b) => b.queue.length, server: () => 0 },
  },
  {
    haproxyField: "qmax",
    prometheus: "max_queue",
    kind: "gauge",
    description: "most requests waiting for a server slot at once",
    read: { backend: (b) => b.queue.max, server: () => 0 },
  },
  {
    haproxyField: "qlimit",
    prometheus: "queue_limit",
    kind: "gauge",
    description: "the server's maxqueue (0: no limit)",
    read: { server: (s) => s.maxqueue },
  },
  {
    haproxyField: "scur",
    prometheus: "current_sessions",
    kind: "gauge",
    description: "sessions open now (server: connections, one per TCP session or HTTP request)",
    read: { frontend: (f) => f.cur, backend: (b) => b.cur, server: (s) => s.cur },
  },
  {
    haproxyField: "smax",
    prometheus: "max_sessions",
    kind: "gauge",
    description: "most sessions open at once",
    read: { frontend: (f) => f.max, backend: (b) => b.max, server: (s) => s.max },
  },
  {
    haproxyField: "slim",
    prometheus: "limit_sessions",
    kind: "gauge",
    description: "the configured maxconn (0: no limit)",
    read: { frontend: (f) => f.maxconn, server: (s) => s.maxconn },
  },
  {
    haproxyField: null,
    why:
      "HAProxy leaves connections over maxconn in the kernel's backlog; tsproxy accepts and holds them",
    prometheus: "waiting_connections",
    ownName: true,
    kind: "gauge",
    description: "accepted connections waiting for a slot under maxconn",
    read: { frontend: (f) => f.waiting },
  },
  {
    haproxyField: "stot",
    prometheus: "sessions_total",
    kind: "counter",
    description: "sessions since start (server, backend: TCP sessions and HTTP requests)",
    read: { frontend: field("stot"), backend: field("stot"), server: field("stot") },
  },
  {
    haproxyField: "conn_tot",
    prometheus: "connections_total",
    kind: "counter",
    description: "connections accepted, those denied by tcp-request connection rules included",
    read: { frontend: field("connTot") },
  },
  {
    haproxyField: "bin",
    prometheus: "bytes_in_total",
    kind: "counter",
    description: "bytes received from clients",
    read: { frontend: field("bin"), backend: field("bin"), server: field("bin") },
  },
  {
    haproxyField: "bout",
    prometheus: "bytes_out_total",
    kind: "counter",
    description: "bytes sent to clients",
    read: { frontend: field("bout"), backend: field("bout"), server: field("bout") },
  },
  {
    haproxyField: "lastchg",
    prometheus: "check_last_change_seconds",
    kind: "gauge",
    description:
      "seconds since the last UP/DOWN change (backend: since it lost or regained servers)",
    read: {
      backend: (b, now) => ageSeconds(b.lastChange, now),
      server: (s, now) => ageSeconds(s.lastChange, now),
    },
  },
];
