/** Reads the metrics table's rows from a running proxy's objects: per-object values, for the renderers. */
import { type MetricRow, rowsFor } from "./table.ts";
import type { ProxyView, Scope, ScopeViews } from "./views.ts";

/** One row's value for one object. */
export interface Sample {
  readonly row: MetricRow;
  readonly value: number;
}

/** One object's line: HAProxy's pxname and svname (FRONTEND, BACKEND, a server's name). */
export interface StatLine {
  readonly scope: Scope;
  /** The frontend or backend name; "" for the process. */
  readonly proxy: string;
  /** "FRONTEND", "BACKEND", the server's name; "" for the process. */
  readonly name: string;
  /** Every row of `scope`, in table order. */
  readonly samples: readonly Sample[];
}

/** Every row of `scope` read from `x`. `now`: ms since the epoch, for the rows that are ages. */
export function readRows<S extends Scope>(
  scope: S,
  x: ScopeViews[S],
  now: number = Date.now(),
): Sample[] {
  const out: Sample[] = [];
  for (const row of rowsFor(scope)) {
    const read = row.read[scope] as (x: ScopeViews[S], now: number) => number;
    out.push({ row, value: read(x, now) });
  }
  return out;
}

/**
 * The whole proxy's lines, in HAProxy's `show stat` order: the process, each frontend, then each
 * backend's servers followed by the backend itself.
 */
export function snapshot(proxy: ProxyView, now: number = Date.now()): StatLine[] {
  const lines: StatLine[] = [
    { scope: "process", proxy: "", name: "", samples: readRows("process", proxy.process, now) },
  ];
  for (const f of proxy.frontends) {
    lines.push({
      scope: "frontend",
      proxy: f.name,
      name: "FRONTEND",
      samples: readRows("frontend", f, now),
    });
  }
  for (const b of proxy.backends.values()) {
    for (const s of b.servers) {
      lines.push({
        scope: "server",
        proxy: b.name,
        name: s.name,
        samples: readRows("server", s, now),
      });
    }
    lines.push({
      scope: "backend",
      proxy: b.name,
      name: "BACKEND",
      samples: readRows("backend", b, now),
    });
  }
  return lines;
}
