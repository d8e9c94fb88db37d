/** A running proxy's views as plain data (to send between processes), and several workers' data merged into one view: counters summed, maxima the largest, settings and states the first worker's. */
import type {
  BackendView,
  FrontendView,
  ProcessView,
  ProxyView,
  ServerView,
  StickTableView,
} from "./views.ts";

/** A ProxyView as JSON can carry it (maps as lists, getters read). */
export interface ProxyData {
  readonly process: ProcessView;
  readonly frontends: readonly FrontendView[];
  readonly backends: readonly BackendView[];
  readonly tables: readonly StickTableView[];
}

type Counters = Readonly<Record<string, number>>;

function counters<T extends object>(c: T): T {
  return { ...c };
}

function server(s: ServerView): ServerView {
  return {
    name: s.name,
    counters: counters(s.counters),
    cur: s.cur,
    max: s.max,
    maxconn: s.maxconn,
    maxqueue: s.maxqueue,
    lastChange: s.lastChange,
    id: s.id,
    address: s.address,
    backup: s.backup,
    standby: s.standby,
    weight: s.weight,
    effectiveWeight: s.effectiveWeight,
    state: s.state,
    running: s.running,
    checked: s.checked,
    checkHealth: s.checkHealth,
    checkRise: s.checkRise,
    checkFall: s.checkFall,
    lastCheck: s.lastCheck ? { ...s.lastCheck } : null,
  };
}

/** Reads every value the renderers use out of `p` into plain data. */
export function viewData(p: ProxyView): ProxyData {
  return {
    process: {
      counters: counters(p.process.counters),
      cur: p.process.cur,
      maxconn: p.process.maxconn,
    },
    frontends: p.frontends.map((f) => ({
      name: f.name,
      counters: counters(f.counters),
      cur: f.cur,
      max: f.max,
      maxconn: f.maxconn,
      waiting: f.waiting,
      mode: f.mode,
      http: f.http === null ? null : {
        compression: f.http.compression === null
          ? null
          : { counters: counters(f.http.compression.counters) },
      },
    })),
    backends: [...p.backends.values()].map((b) => ({
      name: b.name,
      counters: counters(b.counters),
      compression: counters(b.compression),
      cur: b.cur,
      max: b.max,
      queue: { length: b.queue.length, max: b.queue.max },
      lastChange: b.lastChange,
      servers: b.servers.map(server),
      mode: b.mode,
      algo: b.algo,
    })),
    tables: [...(p.tables?.values() ?? [])].map((t) => ({
      spec: { name: t.spec.name, type: t.spec.type, size: t.spec.size },
      entries: t.entries,
      ...(t.shared ? { shared: { ...t.shared } } : {}),
    })),
  };
}

/** Every counter field summed (they are all totals). */
function sum<T extends object>(list: readonly T[]): T {
  const out: Record<string, number> = {};
  for (const c of list as readonly Counters[]) {
    for (const k in c) out[k] = (out[k] ?? 0) + c[k]!;
  }
  return out as T;
}

/** The objects named `name` in each worker's list, matched by name (the first worker's order). */
function byName<T extends { name: string }>(lists: readonly (readonly T[])[]): T[][] {
  return lists[0]!.map((x) =>
    lists.map((l) => l.find((y) => y.name === x.name)).filter((y) => !!y) as T[]
  );
}

const total = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const largest = (xs: readonly number[]) => Math.max(...xs);

function mergeServers(s: readonly ServerView[]): ServerView {
  return {
    ...s[0]!,
    counters: sum(s.map((x) => x.counters)),
    cur: total(s.map((x) => x.cur)),
    max: largest(s.map((x) => x.max)),
    lastChange: largest(s.map((x) => x.lastChange)), // the latest change: the smallest age
  };
}

function mergeBackends(b: readonly BackendView[]): BackendView {
  return {
    ...b[0]!,
    counters: sum(b.map((x) => x.counters)),
    compression: sum(b.map((x) => x.compression)),
    cur: total(b.map((x) => x.cur)),
    max: largest(b.map((x) => x.max)),
    queue: {
      length: total(b.map((x) => x.queue.length)),
      max: largest(b.map((x) => x.queue.max)),
    },
    lastChange: largest(b.map((x) => x.lastChange)),
    servers: byName(b.map((x) => x.servers)).map(mergeServers),
  };
}

function mergeFrontends(f: readonly FrontendView[]): FrontendView {
  const comp = f.map((x) => x.http?.compression?.counters).filter((c) => c !== undefined);
  const first = f[0]!;
  return {
    ...first,
    counters: sum(f.map((x) => x.counters)),
    cur: total(f.map((x) => x.cur)),
    max: largest(f.map((x) => x.max)),
    waiting: total(f.map((x) => x.waiting)),
    http: first.http === null ? null : {
      compression: first.http.compression === null ? null : { counters: sum(comp) },
    },
  };
}

/**
 * One view of several workers' data: counters, current counts and queue lengths summed; maxima
 * the largest worker's; the latest state change; settings, states and checks the first worker's
 * (each worker checks on its own); a stick table's entries the largest worker's (each worker
 * holds its own, or the same shared ones).
 */
export function mergeViews(list: readonly ProxyData[]): ProxyView {
  if (list.length === 0) throw new RangeError("mergeViews: no worker's data to merge");
  const tables = byName(list.map((d) => d.tables.map((t) => ({ ...t, name: t.spec.name }))))
    .map((t) => ({ ...t[0]!, entries: largest(t.map((x) => x.entries)) }));
  return {
    process: {
      counters: sum(list.map((d) => d.process.counters)),
      cur: total(list.map((d) => d.process.cur)),
      maxconn: list[0]!.process.maxconn,
    },
    frontends: byName(list.map((d) => d.frontends)).map(mergeFrontends),
    backends: new Map(
      byName(list.map((d) => d.backends)).map((b) => [b[0]!.name, mergeBackends(b)]),
    ),
    tables: new Map(tables.map((t) => [t.spec.name, t])),
  };
}
