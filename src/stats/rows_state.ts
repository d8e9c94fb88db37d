/** Metrics table rows for weights, usable servers and balancer picks (backend, server). */
import { field, type MetricRow } from "./row.ts";
import type { BackendView, ServerView } from "./views.ts";

/** The weight a server gives its backend now: 0 while draining (HAProxy's eweight), else the ramped weight. */
export function currentWeight(s: ServerView): number {
  return s.state === "DRAIN" ? 0 : s.effectiveWeight;
}

/** A server taking balanced traffic: UP by admin and checks, weight above 0, not a standby backup. */
function usable(s: ServerView): boolean {
  return s.state === "UP" && s.running && !s.standby && currentWeight(s) > 0;
}

/** Usable active servers (act). */
export function activeServers(b: BackendView): number {
  let n = 0;
  for (const s of b.servers) if (!s.backup && usable(s)) n++;
  return n;
}

/** Usable backup servers (bck). */
export function backupServers(b: BackendView): number {
  let n = 0;
  for (const s of b.servers) if (s.backup && usable(s)) n++;
  return n;
}

/** HAProxy's backend weight: the usable active servers' weights, or the backups' when none is. */
export function backendWeight(b: BackendView): number {
  const active = activeServers(b) > 0;
  let sum = 0;
  for (const s of b.servers) if (s.backup !== active && usable(s)) sum += currentWeight(s);
  return sum;
}

export const STATE_ROWS: readonly MetricRow[] = [
  {
    haproxyField: "weight",
    prometheus: "weight",
    kind: "gauge",
    description: "the server's weight now (backend: the sum over the servers taking traffic)",
    read: { backend: backendWeight, server: currentWeight },
  },
  {
    haproxyField: "act",
    prometheus: "active_servers",
    kind: "gauge",
    description: "active servers taking traffic",
    read: { backend: activeServers },
  },
  {
    haproxyField: "bck",
    prometheus: "backup_servers",
    kind: "gauge",
    description: "backup servers taking traffic",
    read: { backend: backupServers },
  },
  {
    haproxyField: "lbtot",
    prometheus: "loadbalanced_total",
    kind: "counter",
    description:
      "times the balancer picked a server (persistence and retries on one server not counted)",
    read: { backend: field("lbtot"), server: field("lbtot") },
  },
  {
    haproxyField: "uweight",
    prometheus: "uweight",
    kind: "gauge",
    description: "the server's configured weight",
    read: { server: (s) => s.weight },
  },
];
