/** Metrics table rows for the whole process (HAProxy's `show info` fields, haproxy_process_*). */
import type { MetricRow } from "./row.ts";

export const PROCESS_ROWS: readonly MetricRow[] = [
  {
    haproxyField: "CurrConns",
    prometheus: "current_connections",
    kind: "gauge",
    description: "sessions open in the whole process now",
    read: { process: (p) => p.cur },
  },
  {
    haproxyField: "Maxconn",
    prometheus: "max_connections",
    kind: "gauge",
    description: "the global maxconn",
    read: { process: (p) => p.maxconn },
  },
  {
    haproxyField: "CumConns",
    prometheus: "connections_total",
    kind: "counter",
    description: "connections given a session slot since start",
    read: { process: (p) => p.counters.connTot },
  },
  {
    haproxyField: "CumReq",
    prometheus: "requests_total",
    kind: "counter",
    description: "HTTP requests received since start",
    read: { process: (p) => p.counters.reqTot },
  },
  {
    haproxyField: "DroppedLogs",
    prometheus: "dropped_logs_total",
    kind: "counter",
    description: "access log lines dropped because the log output could not keep up",
    read: { process: (p) => p.counters.droppedLogs },
  },
];
