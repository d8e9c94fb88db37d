/** Runs a plan: the first generation at start, the next one on each reload; stops them all gracefully. */
import type { Backend } from "../backend/backend.ts";
import type { Server } from "../backend/server.ts";
import type { RunningChecks } from "../check/mod.ts";
import type { HandedSocket, Runtime } from "../runtime/types.ts";
import type { StickTable } from "../stick/table.ts";
import { ProcessCounters } from "../stats/counters.ts";
import type { ProcessView } from "../stats/views.ts";
import type { Frontend } from "./accept/frontend.ts";
import { ProcessAdmission } from "./accept/admission.ts";
import type { BoundAddress } from "./accept/listeners.ts";
import type { ProxyPlan } from "./proxy_plan.ts";
import { activate, type Generation, prepareGeneration } from "./generation.ts";

export type { ProxyPlan };

const NO_TABLES: ReadonlyMap<string, StickTable> = new Map();

export interface ProxyHandle {
  // the getters read the generation serving now: a reload replaces them all
  /** Each bound address, with the port the OS chose where 0 was asked. */
  readonly binds: BoundAddress[];
  readonly frontends: readonly Frontend[];
  readonly backends: ReadonlyMap<string, Backend>;
  /** The process-wide counters and gauges (connections, requests, dropped log lines). */
  readonly process: ProcessView;
  /** The running health checks (`add server ... check` adds one). */
  readonly checks: RunningChecks;
  /** The process-wide limits, changed at run time by `set maxconn global`, `set rate-limit sessions global`. */
  readonly admission: ProcessAdmission;
  /** The stick tables by name, in declaration order (empty when the config has none). */
  readonly tables: ReadonlyMap<string, StickTable>;
  /**
   * Stop accepting, let open connections finish up to `hardStopAfter`, then close the rest. Idle
   * keep-alive connections close now, or with `closeIdle` false (a binary upgrade: a successor
   * takes new connections) after answering their next request with connection: close.
   */
  shutdown(closeIdle?: boolean): Promise<void>;
  /**
   * Read every TLS bind's certificate files again for new handshakes (SIGHUP). A bind whose files
   * cannot be used keeps its certificates; the errors, one per such bind, are returned.
   */
  reloadCertificates(): Promise<string[]>;
  /**
   * Runs `plan` from now on (see `prepareGeneration`, `activate`): rejects, naming the address,
   * when a new bind fails, and then nothing changed. Resolves with notes for the log.
   */
  runPlan(plan: ProxyPlan): Promise<string[]>;
  /** The listening sockets a successor process can take over (binary upgrade). */
  listeningSockets(): HandedSocket[];
}

/**
 * Starts every frontend; all binds succeed or none stay open and the error names the address.
 * `counters`: the process's counters, shared with the log setup (dropped lines); new by default.
 */
export async function startPlan(
  plan: ProxyPlan,
  runtime: Runtime,
  counters: ProcessCounters = new ProcessCounters(),
): Promise<ProxyHandle> {
  let gen: Generation | null = null;
  const admission = new ProcessAdmission(runtime, counters, {
    maxconn: plan.maxconn,
    rateLimitSessions: plan.rateLimitSessions ?? 0,
  }, () => {
    for (const fe of gen?.frontends ?? []) fe.admit();
  });
  const current = () => gen!;
  /** Frontends of older generations: their sessions run on; a shutdown stops them too. */
  let retired: Frontend[] = [];
  // a server's sessions, in every generation, are found by walking the frontends when asked
  const sessionsOn = (server: Server) =>
    [...(gen?.frontends ?? []), ...retired].flatMap((fe) => fe.sessionsOn(server));
  gen = (await activate(
    await prepareGeneration(plan, runtime, admission, null, sessionsOn),
    null,
    runtime,
  )).generation;
  let stopping: Promise<void> | undefined;
  return {
    get binds() {
      return current().groups.flatMap((g) => g.bound);
    },
    get frontends() {
      return current().frontends;
    },
    get backends() {
      return current().backends;
    },
    get tables() {
      return current().plan.stickTables ?? NO_TABLES;
    },
    get checks() {
      return current().checks;
    },
    admission,
    process: {
      counters,
      get cur() {
        return admission.cur;
      },
      get maxconn() {
        return admission.maxconn;
      },
    },
    shutdown(closeIdle = true) {
      const g = current();
      g.checks.stop();
      admission.stop();
      const all = [...g.frontends, ...retired];
      stopping ??= Promise.all(all.map((fe) => fe.stop(g.plan.hardStopAfter, closeIdle))).then(
        () => {
          for (const be of g.backends.values()) {
            be.pool.closeAll();
            be.mux?.closeAll();
          }
        },
      );
      return stopping;
    },
    listeningSockets() {
      return current().groups.flatMap((g) => g.handover());
    },
    async reloadCertificates() {
      return (await Promise.all(current().groups.map((g) => g.reloadCertificates()))).flat();
    },
    async runPlan(next) {
      if (stopping) throw new Error("the proxy is stopping");
      const prev = current();
      const prepared = await prepareGeneration(next, runtime, admission, prev, sessionsOn);
      // limits the config changed are the config's; those it left alone keep their run-time value
      if (next.maxconn !== prev.plan.maxconn) admission.maxconn = next.maxconn;
      if ((next.rateLimitSessions ?? 0) !== (prev.plan.rateLimitSessions ?? 0)) {
        admission.rateLimitSessions = next.rateLimitSessions ?? 0;
      }
      const done = await activate(prepared, prev, runtime);
      gen = done.generation;
      retired = [...retired.filter((fe) => fe.cur > 0), ...prev.frontends];
      admission.changed();
      return done.notes;
    },
  };
}
