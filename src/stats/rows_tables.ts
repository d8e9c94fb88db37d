/** Metrics table rows for stick tables (haproxy_sticktable_*: HAProxy's exporter has them, its CSV has no table lines), and their Redis sync (tsproxy_sticktable_shared_*). */
import type { MetricRow } from "./row.ts";

const SHARED = "tsproxy's own: tables shared through Redis (HAProxy's peers have no such state)";

/** Rows of a table's Redis sync (src/stick/shared/); a local table reads 0 in each. */
const SHARED_TABLE_ROWS: readonly MetricRow[] = [
  {
    haproxyField: null,
    why: SHARED,
    prometheus: "shared",
    ownName: true,
    kind: "gauge",
    description: "1 when the table's counters are shared through Redis, 0 for a local table.",
    read: { sticktable: (t) => t.shared ? 1 : 0 },
  },
  {
    haproxyField: null,
    why: SHARED,
    prometheus: "shared_redis_up",
    ownName: true,
    kind: "gauge",
    description: "1 while Redis answers the table's syncs, 0 while it is down (local counters).",
    read: { sticktable: (t) => t.shared?.up ? 1 : 0 },
  },
  {
    haproxyField: null,
    why: SHARED,
    prometheus: "shared_last_sync_age_seconds",
    ownName: true,
    kind: "gauge",
    description:
      "Seconds since Redis last answered a sync of the table; -1 before the first (local: 0).",
    read: {
      sticktable: (t, now) =>
        !t.shared ? 0 : t.shared.lastSync > 0 ? Math.max(0, now - t.shared.lastSync) / 1000 : -1,
    },
  },
  {
    haproxyField: null,
    why: SHARED,
    prometheus: "shared_pending_changes",
    ownName: true,
    kind: "gauge",
    description: "Local counter changes Redis has not acknowledged yet.",
    read: { sticktable: (t) => t.shared?.pendingChanges ?? 0 },
  },
  {
    haproxyField: null,
    why: SHARED,
    prometheus: "shared_pending_keys",
    ownName: true,
    kind: "gauge",
    description: "Keys whose counters wait to be pushed to Redis.",
    read: { sticktable: (t) => t.shared?.pendingKeys ?? 0 },
  },
];

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
  ...SHARED_TABLE_ROWS,
];
