/** Builds the running proxy from a plan: backends, frontends and their listeners; stops it gracefully. */
import { Backend, type BackendOptions } from "../backend/backend.ts";
import { type CheckPlan, type RunningChecks, startChecks } from "../check/mod.ts";
import type { BackendHttpRules, FrontendRules } from "../rules/rule_sets.ts";
import type { AccessRecord } from "../log/access.ts";
import type { Runtime } from "../runtime/types.ts";
import type { StickTable } from "../stick/table.ts";
import { ProcessCounters } from "../stats/counters.ts";
import type { ProcessView } from "../stats/views.ts";
import type { HttpFrontendOptions } from "./http/options.ts";
import type { FrontendServices } from "./http/service.ts";
import { Frontend } from "./accept/frontend.ts";
import { ProcessAdmission } from "./accept/admission.ts";
import { type BindSpec, type BoundAddress, ListenerGroup } from "./accept/listeners.ts";

/** Everything the proxy needs, with defaults already merged (src/plan/ turns a checked config into one). */
export interface ProxyPlan {
  maxconn: number;
  /** global rate-limit sessions: new sessions per second in the whole process; 0 or absent: none. */
  rateLimitSessions?: number;
  /** Keep every server's sessions so `shutdown sessions server` can end them (a control surface is on). */
  trackSessions?: boolean;
  hardStopAfter: number;
  frontends: {
    name: string;
    mode: "tcp" | "http";
    binds: BindSpec[];
    maxconn: number;
    clientTimeout: number;
    defaultBackend: string;
    /** Compiled rules; null or absent when the frontend has none. */
    rules?: FrontendRules | null;
    http: HttpFrontendOptions | null;
    accessLog: ((record: AccessRecord) => void) | null;
    /** tune.bufsize: most payload bytes buffered for tcp-request content rules. */
    inspectBuffer?: number;
    rateLimitSessions?: number;
    services?: FrontendServices | null;
    /** A backend of its own, kept out of the stats (the API listener's, which has no server). */
    ownBackend?: BackendOptions;
  }[];
  backends: BackendOptions[];
  /** Backends' own http-request/http-response rules, by backend name. */
  backendRules?: ReadonlyMap<string, BackendHttpRules>;
  /** Health checks, one per server with `check: true` (started once every bind succeeded). */
  checks?: readonly CheckPlan[];
  /** The stick tables the rules track in, by name (for `show table` and the stats). */
  stickTables?: ReadonlyMap<string, StickTable> | null;
}

export interface ProxyHandle {
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
  /** Stop accepting, let open connections finish up to `hardStopAfter`, then close the rest. */
  shutdown(): Promise<void>;
  /**
   * Read every TLS bind's certificate files again for new handshakes (SIGHUP). A bind whose files
   * cannot be used keeps its certificates; the errors, one per such bind, are returned.
   */
  reloadCertificates(): Promise<string[]>;
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
  const track = plan.trackSessions ?? false;
  const backends = new Map(
    plan.backends.map((o) => [o.name, new Backend(track ? { ...o, trackSessions: true } : o)]),
  );
  const frontends: Frontend[] = [];
  const admission = new ProcessAdmission(runtime, counters, {
    maxconn: plan.maxconn,
    rateLimitSessions: plan.rateLimitSessions ?? 0,
  }, () => {
    for (const fe of frontends) fe.admit();
  });
  for (const f of plan.frontends) {
    const backend = f.ownBackend ? new Backend(f.ownBackend) : backends.get(f.defaultBackend);
    if (!backend) throw new Error(`frontend ${f.name}: unknown backend "${f.defaultBackend}"`);
    frontends.push(
      new Frontend({ ...f, backend, backends, backendRules: plan.backendRules }, admission),
    );
  }
  const groups: ListenerGroup[] = [];
  try {
    for (const [i, f] of plan.frontends.entries()) {
      const fe = frontends[i]!;
      const group = await ListenerGroup.bind(runtime, fe.name, f.binds, fe);
      groups.push(group);
      fe.serve(group);
    }
  } catch (err) {
    for (const g of groups) g.close();
    throw err;
  }
  const checks: RunningChecks = startChecks(plan.checks ?? [], backends, runtime);
  let stopping: Promise<void> | undefined;
  return {
    binds: groups.flatMap((g) => g.bound),
    frontends,
    backends,
    admission,
    checks,
    tables: plan.stickTables ?? new Map(),
    process: {
      counters,
      get cur() {
        return admission.cur;
      },
      get maxconn() {
        return admission.maxconn;
      },
    },
    shutdown() {
      checks.stop();
      admission.stop();
      stopping ??= Promise.all(frontends.map((fe) => fe.stop(plan.hardStopAfter))).then(() => {
        for (const be of backends.values()) be.pool.closeAll();
      });
      return stopping;
    },
    async reloadCertificates() {
      return (await Promise.all(groups.map((g) => g.reloadCertificates()))).flat();
    },
  };
}
