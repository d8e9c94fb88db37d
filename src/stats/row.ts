/** The shape of one metrics table row (HAProxy field, Prometheus name, kind, description, readers per scope) and helpers to write rows. */
import type { Scope, ScopeViews } from "./views.ts";

/** How a row reads its value from each scope it applies to; `now` is ms since the epoch (ages). */
export type Readers = { readonly [S in Scope]?: (x: ScopeViews[S], now: number) => number };

/** One metric, as HAProxy's `stat_cols_px[]` has one entry per field. */
export interface MetricRow {
  /**
   * HAProxy's `show stat` CSV column (management.txt §9.1); for process rows, the `show info`
   * field. null when HAProxy has none, and then `why` says so.
   */
  readonly haproxyField: string | null;
  readonly why?: string;
  /**
   * The Prometheus name after `haproxy_<scope>_`, as HAProxy's built-in exporter names it (see
   * `prometheusName`); rows the exporter lacks set `ownName` and follow its style.
   */
  readonly prometheus: string;
  readonly ownName?: true;
  /** Labels the exporter sets on this series (the status class of http_responses_total). */
  readonly labels?: Readonly<Record<string, string>>;
  /** counter: only grows (summed across workers); gauge: a value now. */
  readonly kind: "counter" | "gauge";
  readonly description: string;
  /** The scopes it applies to, each with how to read it. */
  readonly read: Readers;
}

/** The full Prometheus name of `row` for `scope`, e.g. `haproxy_backend_current_queue`. */
export function prometheusName(row: MetricRow, scope: Scope): string {
  return `haproxy_${scope}_${row.prometheus}`;
}

/** The scopes `row` applies to, in the order of its readers. */
export function scopesOf(row: MetricRow): Scope[] {
  return Object.keys(row.read) as Scope[];
}

/** A reader of the counter `key` of the object's `counters`. */
export function field<K extends string>(
  key: K,
): (x: { readonly counters: Readonly<Record<K, number>> }) => number {
  return (x) => x.counters[key];
}

/** A reader of the compression counter `key`: a frontend's (0 when it does not compress) or a backend's. */
export const comp = <K extends "compIn" | "compOut" | "compByp" | "compRsp" | "bypassed">(
  key: K,
): Readers => ({
  frontend: (f) => f.http?.compression?.counters[key] ?? 0,
  backend: (b) => b.compression[key],
});

/** Whole seconds from `since` to `now` (ms), never negative. */
export function ageSeconds(since: number, now: number): number {
  return Math.max(0, Math.floor((now - since) / 1000));
}
