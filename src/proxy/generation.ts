/** One generation of the running proxy (backends, frontends, listener groups, checks from one plan), and how the next one takes over from it on reload. */
import { Backend, type BackendOptions } from "../backend/backend.ts";
import { carryMaintHistory } from "../backend/admin.ts";
import type { Server, ServerOptions } from "../backend/server.ts";
import type { ServerSession } from "../backend/server_hooks.ts";
import { type RunningChecks, startChecks } from "../check/mod.ts";
import { Frontend } from "./accept/frontend.ts";
import type { ProcessAdmission } from "./accept/admission.ts";
import { ListenerGroup, SpareListeners } from "./accept/listeners.ts";
import type { Runtime } from "../runtime/types.ts";
import type { ProxyPlan } from "./proxy_plan.ts";

/** What one plan runs as. */
export interface Generation {
  readonly plan: ProxyPlan;
  readonly backends: ReadonlyMap<string, Backend>;
  readonly frontends: readonly Frontend[];
  readonly groups: readonly ListenerGroup[];
  readonly checks: RunningChecks;
}

/** A generation built and bound, not yet serving (`activate` makes it so). */
export interface Prepared extends Omit<Generation, "checks"> {
  /** Servers that took over a checked server's health. */
  readonly resumed: ReadonlySet<Server>;
  readonly spares: SpareListeners | null;
}

/**
 * Builds the backends and frontends of `plan` and binds their listeners, taking over from `prev`
 * (null at start): same-named backends, servers and frontends keep their counters and run-time
 * state, binds with unchanged settings keep their sockets. All binds succeed or none stay open,
 * and then nothing of `prev` changed.
 */
export async function prepareGeneration(
  plan: ProxyPlan,
  runtime: Runtime,
  admission: ProcessAdmission,
  prev: Generation | null,
  /** How a server's sessions are found (shutdown sessions, on-marked cuts): the proxy walks them. */
  sessionsOn: (server: Server) => ServerSession[],
): Promise<Prepared> {
  const resumed = new Set<Server>();
  const backends = new Map<string, Backend>();
  for (const o of plan.backends) {
    const old = prev?.backends.get(o.name);
    const be = new Backend({
      ...o,
      ...(old ? carriedCounters(o, old) : {}),
    });
    if (old) inheritServers(be, old, prev!.plan.backends.find((b) => b.name === o.name), resumed);
    backends.set(o.name, be);
  }
  const frontends: Frontend[] = [];
  for (const be of backends.values()) be.findSessionsWith(sessionsOn);
  for (const f of plan.frontends) {
    const own = f.ownBackend ? new Backend(f.ownBackend) : null;
    own?.findSessionsWith(sessionsOn);
    const backend = own ?? backends.get(f.defaultBackend);
    if (!backend) throw new Error(`frontend ${f.name}: unknown backend "${f.defaultBackend}"`);
    const counters = prev?.frontends.find((x) => x.name === f.name)?.counters;
    frontends.push(
      new Frontend({
        ...f,
        backend,
        backends,
        backendRules: plan.backendRules,
        ...(counters ? { counters } : {}),
      }, admission),
    );
  }
  const spares = prev ? new SpareListeners(prev.groups) : null;
  const groups: ListenerGroup[] = [];
  try {
    for (const [i, f] of plan.frontends.entries()) {
      groups.push(
        await ListenerGroup.bind(runtime, f.name, f.binds, frontends[i]!, spares ?? undefined),
      );
    }
  } catch (err) {
    for (const g of groups) g.close(); // only what was bound here: taken listeners stay the old ones'
    throw err;
  }
  return { plan, backends, frontends, groups, resumed, spares };
}

/**
 * Makes a prepared generation the one serving: its listeners (kept ones included) feed its
 * frontends, `prev`'s checks stop and its own start (resuming carried health), `prev`'s frontends
 * retire (their sessions finish, HTTP ones move over at their next request), idle server
 * connections move to the same servers of the new backends, and listeners no bind took close.
 * Returns it with notes for the log (certificate errors, closed addresses) and the old frontends'
 * stops (those the new plan removed).
 */
export async function activate(
  next: Prepared,
  prev: Generation | null,
  runtime: Runtime,
): Promise<{ generation: Generation; notes: string[]; retired: Promise<void>[] }> {
  const notes: string[] = [];
  for (const g of next.groups) notes.push(...await g.commit());
  next.frontends.forEach((fe, i) => fe.serve(next.groups[i]!));
  prev?.checks.stop();
  const checks = startChecks(next.plan.checks ?? [], next.backends, runtime, next.resumed);
  const generation: Generation = { ...next, checks };
  for (const be of next.backends.values()) {
    for (const s of be.servers) {
      // the old generation checked it, this one does not: nothing will bring it back UP
      if (!s.checked && !s.running) {
        s.running = true;
        if (s.state === "DOWN") s.moveTo("UP");
      }
    }
  }
  const retired: Promise<void>[] = [];
  if (prev === null) return { generation, notes, retired };
  for (const b of next.groups.flatMap((g) => g.fresh)) {
    const host = b.host.includes(":") ? `[${b.host}]` : b.host;
    notes.push(`frontend ${b.frontend}: listening on ${host}:${b.port}`);
  }
  for (const fe of prev.frontends) {
    const successor = next.frontends.find((x) => x.name === fe.name) ?? null;
    retired.push(fe.retire(successor, next.plan.hardStopAfter));
  }
  for (const [name, old] of prev.backends) {
    const be = next.backends.get(name);
    // a gone backend's pool hands over to nobody: idle connections close, later ones are refused
    const to = new Map(old.servers.map((s) => [s, be ? sameServer(s, be) : null]));
    old.pool.handOver(be?.pool ?? old.pool, (s) => to.get(s) ?? null);
  }
  for (const address of next.spares?.closeRest() ?? []) notes.push(`${address}: listener closed`);
  return { generation, notes, retired };
}

/** The replaced backend's counters, and its servers' by name, for the new one to count into. */
function carriedCounters(o: BackendOptions, old: Backend): Partial<BackendOptions> {
  const servers: ServerOptions[] = o.servers.map((s) => {
    const prev = old.servers.find((x) => x.name === s.name);
    return prev ? { ...s, counters: prev.counters } : s;
  });
  return { counters: old.counters, compression: old.compression, servers };
}

/** Each server of `be` takes over the state of `old`'s same-named server (see Server.inherit). */
function inheritServers(
  be: Backend,
  old: Backend,
  oldPlan: BackendOptions | undefined,
  resumed: Set<Server>,
): void {
  for (const s of be.servers) {
    const prev = old.servers.find((x) => x.name === s.name);
    if (!prev) continue;
    // settings the config changed are the config's; those it left alone keep their run-time value
    const was = oldPlan?.servers.find((x) => x.name === s.name);
    const now = { weight: s.initialWeight, maxconn: s.maxconn, state: s.state };
    s.inherit(prev, {
      admin: !was || (was.disabled ? "MAINT" : was.drain ? "DRAIN" : "UP") === now.state,
      weight: !was || was.weight === now.weight,
      maxconn: !was || (was.maxconn ?? 0) === now.maxconn,
    });
    carryMaintHistory(prev, s);
    if (prev.checked) resumed.add(s);
  }
  be.refreshBackups();
}

/** The server of `be` that takes `s`'s idle connections: same name, address, TLS and PROXY protocol. */
function sameServer(s: Server, be: Backend): Server | null {
  const n = be.servers.find((x) => x.name === s.name);
  if (!n || n.host !== s.host || n.port !== s.port || n.proxyProtocol !== s.proxyProtocol) {
    return null;
  }
  return JSON.stringify(n.tls) === JSON.stringify(s.tls) ? n : null;
}
