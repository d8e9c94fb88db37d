/** The Prometheus text exposition (0.0.4) of the metrics table, with HAProxy's exporter names, types, labels and `?scope=`. */
import { readRows } from "../snapshot.ts";
import { type MetricRow, rowsFor } from "../table.ts";
import type { ProxyView, Scope } from "../views.ts";
import {
  BACKEND_STATES,
  FRONTEND_STATES,
  SERVER_STATES,
  type StateMetric,
} from "./prometheus_states.ts";

/** HAProxy's exporter scopes (`?scope=global` is the process). */
export type PrometheusScope = "global" | "frontend" | "backend" | "server";
const ALL: readonly PrometheusScope[] = ["global", "frontend", "backend", "server"];

/**
 * The scopes a query asks for, as HAProxy's exporter reads `scope=`: none given, all of them;
 * `scope=*` all; `scope=` alone none; an unknown one is an error naming it.
 */
export function scopesFromQuery(params: URLSearchParams): Set<PrometheusScope> {
  const asked = params.getAll("scope");
  if (asked.length === 0) return new Set(ALL);
  const out = new Set<PrometheusScope>();
  for (const s of asked) {
    if (s === "*") { for (const a of ALL) out.add(a); }
    else if ((ALL as readonly string[]).includes(s)) out.add(s as PrometheusScope);
    else if (s !== "") {
      throw new RangeError(
        `prometheus: unknown scope "${s}" (global, frontend, backend, server, *)`,
      );
    }
  }
  return out;
}

/** A label value escaped as the exposition format asks (backslash, quote, newline). */
function esc(v: string): string {
  return v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${esc(v)}"`);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

function num(v: number): string {
  return Number.isFinite(v) ? String(v) : v > 0 ? "+Inf" : v < 0 ? "-Inf" : "NaN";
}

/** The objects of `scope` with the labels naming each. */
function objects(proxy: ProxyView, scope: Scope): [unknown, Record<string, string>][] {
  switch (scope) {
    case "process":
      return [[proxy.process, {}]];
    case "frontend":
      return proxy.frontends.map((f) => [f, { proxy: f.name }]);
    case "backend":
      return [...proxy.backends.values()].map((b) => [b, { proxy: b.name }]);
    case "server":
      return [...proxy.backends.values()].flatMap((b) =>
        b.servers.map((
          s,
        ): [unknown, Record<string, string>] => [s, { proxy: b.name, server: s.name }])
      );
  }
}

/** One metric family: its HELP/TYPE lines and its series. */
interface Family {
  name: string;
  kind: "counter" | "gauge";
  help: string;
  lines: string[];
}

function family(
  out: Map<string, Family>,
  name: string,
  kind: Family["kind"],
  help: string,
): Family {
  let f = out.get(name);
  if (f === undefined) out.set(name, f = { name, kind, help, lines: [] });
  return f;
}

/** The full name of `row` in `scope`: HAProxy's exporter's, or tsproxy_* for a metric it lacks. */
function rowName(row: MetricRow, scope: Scope): string {
  return `${row.ownName ? "tsproxy" : "haproxy"}_${scope}_${row.prometheus}`;
}

const STATES: { readonly [S in Scope]?: readonly StateMetric<never>[] } = {
  frontend: FRONTEND_STATES,
  backend: BACKEND_STATES,
  server: SERVER_STATES,
};

/** Every family of `scope`, table rows first, then the state series. */
function scopeFamilies(proxy: ProxyView, scope: Scope, now: number): Family[] {
  const out = new Map<string, Family>();
  for (const row of rowsFor(scope)) family(out, rowName(row, scope), row.kind, row.description);
  for (const m of STATES[scope] ?? []) family(out, `haproxy_${scope}_${m.name}`, m.kind, m.help);
  for (const [x, labels] of objects(proxy, scope)) {
    for (const { row, value } of readRows(scope, x as never, now)) {
      const f = out.get(rowName(row, scope))!;
      f.lines.push(`${f.name}${labelText({ ...labels, ...row.labels })} ${num(value)}`);
    }
    for (const m of STATES[scope] ?? []) {
      const f = out.get(`haproxy_${scope}_${m.name}`)!;
      for (const [extra, v] of m.series(x as never)) {
        f.lines.push(`${f.name}${labelText({ ...labels, ...extra })} ${num(v)}`);
      }
    }
  }
  return [...out.values()];
}

/**
 * The `/metrics` page: HAProxy's exporter names (`haproxy_<scope>_<name>`), types and labels
 * (`proxy`, `server`, `code`, `state`), each family's series together under its `# HELP` and
 * `# TYPE`. Metrics HAProxy has no name for are `tsproxy_<scope>_<name>`.
 *
 * @example
 * ```ts
 * renderPrometheus(handle, { scopes: scopesFromQuery(url.searchParams) });
 * ```
 */
export function renderPrometheus(
  proxy: ProxyView,
  o: { scopes?: Iterable<PrometheusScope>; now?: number } = {},
): string {
  const asked = new Set(o.scopes ?? ALL);
  const now = o.now ?? Date.now();
  let text = "";
  for (const p of ALL) {
    if (!asked.has(p)) continue;
    for (const f of scopeFamilies(proxy, p === "global" ? "process" : p, now)) {
      if (f.lines.length === 0) continue;
      text += `# HELP ${f.name} ${f.help.replaceAll("\\", "\\\\").replaceAll("\n", "\\n")}\n`;
      text += `# TYPE ${f.name} ${f.kind}\n${f.lines.join("\n")}\n`;
    }
  }
  return text;
}
