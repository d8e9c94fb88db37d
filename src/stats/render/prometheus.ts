/** The Prometheus text exposition (0.0.4) of the metrics table, with HAProxy's exporter names, types, labels and `?scope=`. */
import { type MetricRow, rowsFor } from "../table.ts";
import type { ProxyView, Scope } from "../views.ts";
import {
  BACKEND_STATES,
  FRONTEND_STATES,
  SERVER_STATES,
  type StateMetric,
} from "./prometheus_states.ts";

/** HAProxy's exporter scopes (`?scope=global` is the process). */
export type PrometheusScope = "global" | "frontend" | "backend" | "server" | "sticktable";
const ALL: readonly PrometheusScope[] = ["global", "frontend", "backend", "server", "sticktable"];

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
        `prometheus: unknown scope "${s}" (global, frontend, backend, server, sticktable, *)`,
      );
    }
  }
  return out;
}

/** A label value escaped as the exposition format asks (backslash, quote, newline). */
function esc(v: string): string {
  if (!/[\\"\n]/.test(v)) return v;
  return v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

/** `k="v",...` of `labels`, without braces. */
function labelList(labels: Readonly<Record<string, string>>): string {
  let out = "";
  for (const k in labels) out += `${out ? "," : ""}${k}="${esc(labels[k]!)}"`;
  return out;
}

function labelText(labels: Readonly<Record<string, string>>): string {
  const list = labelList(labels);
  return list === "" ? "" : `{${list}}`;
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
    case "sticktable":
      return [...(proxy.tables ?? new Map()).values()].map((t) => [
        t,
        { name: t.spec.name, type: t.spec.type },
      ]);
  }
}

/** The label names `objects()` gives every object of a scope. */
const OBJECT_LABELS: { readonly [S in Scope]: readonly string[] } = {
  process: [],
  frontend: ["proxy"],
  backend: ["proxy"],
  server: ["proxy", "server"],
  sticktable: ["name", "type"],
};

/** The full name of `row` in `scope`: HAProxy's exporter's, or tsproxy_* for a metric it lacks. */
function rowName(row: MetricRow, scope: Scope): string {
  return `${row.ownName ? "tsproxy" : "haproxy"}_${scope}_${row.prometheus}`;
}

const STATES: { readonly [S in Scope]?: readonly StateMetric<never>[] } = {
  frontend: FRONTEND_STATES,
  backend: BACKEND_STATES,
  server: SERVER_STATES,
};

/**
 * What a scope's page is made of, worked out once (the table is static): its families in output
 * order with their `# HELP`/`# TYPE` head, and per table row and state metric the family it adds
 * series to, with the row's own labels already written out.
 */
interface Layout {
  readonly heads: readonly string[];
  readonly rows: readonly {
    readonly row: MetricRow;
    readonly read: (x: never, now: number) => number;
    readonly family: number;
    readonly name: string;
    /** The row's labels as `k="v",...`; "" for none. */
    readonly labels: string;
    /** A row label has an object label's name: the line takes the general path (spread order). */
    readonly clash: boolean;
  }[];
  readonly states: readonly { readonly m: StateMetric<never>; readonly family: number }[];
  readonly names: readonly string[];
}

const layouts = new Map<Scope, Layout>();

function layoutOf(scope: Scope): Layout {
  const known = layouts.get(scope);
  if (known !== undefined) return known;
  const index = new Map<string, number>();
  const heads: string[] = [];
  const names: string[] = [];
  const family = (name: string, kind: string, help: string) => {
    let i = index.get(name);
    if (i === undefined) {
      index.set(name, i = heads.length);
      names.push(name);
      const h = help.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
      heads.push(`# HELP ${name} ${h}\n# TYPE ${name} ${kind}\n`);
    }
    return i;
  };
  const own = OBJECT_LABELS[scope];
  const rows = rowsFor(scope).map((row) => ({
    row,
    read: row.read[scope] as (x: never, now: number) => number,
    family: family(rowName(row, scope), row.kind, row.description),
    name: rowName(row, scope),
    labels: row.labels ? labelList(row.labels) : "",
    clash: Object.keys(row.labels ?? {}).some((k) => own.includes(k)),
  }));
  const states = (STATES[scope] ?? []).map((m) => ({
    m,
    family: family(`haproxy_${scope}_${m.name}`, m.kind, m.help),
  }));
  const layout: Layout = { heads, rows, states, names };
  layouts.set(scope, layout);
  return layout;
}

/** One series line: `name{own,extra} value`. */
function line(name: string, own: string, extra: string, v: number): string {
  const inner = own === "" ? extra : extra === "" ? own : `${own},${extra}`;
  return inner === "" ? `${name} ${num(v)}\n` : `${name}{${inner}} ${num(v)}\n`;
}

/** Every family of `scope` with at least one series, head and series, table rows first, then the state series. */
function scopeText(proxy: ProxyView, scope: Scope, now: number): string {
  const { heads, rows, states, names } = layoutOf(scope);
  const own = OBJECT_LABELS[scope];
  const bodies: string[] = heads.map(() => "");
  for (const [x, labels] of objects(proxy, scope)) {
    const ownText = labelList(labels);
    for (const r of rows) {
      const v = r.read(x as never, now);
      bodies[r.family] += r.clash
        ? `${r.name}${labelText({ ...labels, ...r.row.labels })} ${num(v)}\n`
        : line(r.name, ownText, r.labels, v);
    }
    for (const { m, family } of states) {
      for (const [extra, v] of m.series(x as never)) {
        bodies[family] += Object.keys(extra).some((k) => own.includes(k))
          ? `${names[family]}${labelText({ ...labels, ...extra })} ${num(v)}\n`
          : line(names[family]!, ownText, labelList(extra), v);
      }
    }
  }
  const out: string[] = [];
  for (let i = 0; i < heads.length; i++) if (bodies[i] !== "") out.push(heads[i]!, bodies[i]!);
  return out.join("");
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
    if (asked.has(p)) text += scopeText(proxy, p === "global" ? "process" : p, now);
  }
  return text;
}
