/**
 * @module
 * The one metrics table: every metric tsproxy reports, one declarative row each (HAProxy field,
 * Prometheus name, kind, description, how to read it per scope), like HAProxy's `stat_cols_px[]`.
 * Renderers (HTML, CSV, JSON, Prometheus) read these rows through `snapshot()`, so two views cannot
 * disagree.
 */
import { ERROR_ROWS } from "./rows_errors.ts";
import { HTTP_ROWS } from "./rows_http.ts";
import { PROCESS_ROWS } from "./rows_process.ts";
import { SESSION_ROWS } from "./rows_sessions.ts";
import { STATE_ROWS } from "./rows_state.ts";
import { TABLE_ROWS } from "./rows_tables.ts";
import type { MetricRow } from "./row.ts";
import type { Scope } from "./views.ts";

export { type MetricRow, prometheusName, type Readers, scopesOf } from "./row.ts";

/** Every row, in the order views list them (process first, then HAProxy's CSV order, roughly). */
export const METRICS: readonly MetricRow[] = [
  ...PROCESS_ROWS,
  ...SESSION_ROWS,
  ...STATE_ROWS,
  ...ERROR_ROWS,
  ...HTTP_ROWS,
  ...TABLE_ROWS,
];

const byScope = new Map<Scope, readonly MetricRow[]>(
  (["process", "frontend", "backend", "server", "sticktable"] as const).map((s) => [
    s,
    METRICS.filter((r) => r.read[s] !== undefined),
  ]),
);

/** The rows that apply to `scope`, in table order. */
export function rowsFor(scope: Scope): readonly MetricRow[] {
  return byScope.get(scope)!;
}
