/** Metrics table rows for stick tables (haproxy_sticktable_*: HAProxy's exporter has them, its CSV has no table lines). */
import type { MetricRow } from "./row.ts";

const WHY = "HAProxy's show stat has no stick table lines (its `show table` lists them)";

export const TABLE_ROWS: readonly MetricRow[] = [
  {
    haproxyField: null,
    why: WHY,
    prometheus: "size",
    kind: "gauge",
    description: "Stick table size.",
    read: { sticktable: (t) => t.spec.size },
  },
  {
    haproxyField: null,
    why: WHY,
    prometheus: "used",
    kind: "gauge",
    description: "Number of entries used in this stick table.",
    read: { sticktable: (t) => t.entries },
  },
];
