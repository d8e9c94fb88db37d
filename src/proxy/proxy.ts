/** Builds the running proxy from a plan: backends, frontends and their listeners; stops it gracefully. */
import { Backend, type BackendOptions } from "../backend/backend.ts";
import { type CheckPlan, type RunningChecks, startChecks } from "../check/mod.ts";
import type { Config } from "../config/mod.ts";
import type { BackendHttpRules, FrontendRules } from "../rules/rule_sets.ts";
import type { AccessRecord } from "../log/access.ts";
import type {
  Runtime,
  Socket,
  TlsAcceptor,
  TlsListenerExtras,
  TlsStack,
} from "../runtime/types.ts";
import type { HttpFrontendOptions } from "./http_options.ts";
import { type Admission, Frontend } from "./frontend.ts";
import { planFromConfig } from "./plan.ts";
import type { BindTlsPlan } from "./tls_plan.ts";

/** Everything the proxy needs, with defaults already merged (see plan.ts for the config → plan step). */
export interface ProxyPlan {
  maxconn: number;
  hardStopAfter: number;
  frontends: {
    name: string;
    mode: "tcp" | "http";
    /** acceptProxy: every connection starts with a PROXY protocol header (v1 or v2). */
    /** tls: TLS termination (certificates loaded, and how to load them again). */
    binds: { host: string; port: number; acceptProxy?: boolean; tls?: BindTlsPlan }[];
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
  }[];
  backends: BackendOptions[];
  /** Backends' own http-request/http-response rules, by backend name. */
  backendRules?: ReadonlyMap<string, BackendHttpRules>;
  /** Health checks, one per server with `check: true` (started once every bind succeeded). */
  checks?: readonly CheckPlan[];
}

export interface ProxyHandle {
  /** Each bound address, with the port the OS chose where 0 was asked. */
  readonly binds: {
    frontend: string;
    host: string;
    port: number;
    /** On TLS binds: the stack serving it, and settings it cannot honour. */
    tls?: { stack: TlsStack; warnings: readonly string[] };
  }[];
  readonly frontends: readonly Frontend[];
  readonly backends: ReadonlyMap<string, Backend>;
  /** Stop accepting, let open connections finish up to `hardStopAfter`, then close the rest. */
  shutdown(): Promise<void>;
  /**
   * Read every TLS bind's certificate files again for new handshakes (SIGHUP). A bind whose files
   * cannot be used keeps its certificates; the errors, one per such bind, are returned.
   */
  reloadCertificates(): Promise<string[]>;
}

/** Starts every frontend; all binds succeed or none stay open and the error names the address. */
export async function startPlan(plan: ProxyPlan, runtime: Runtime): Promise<ProxyHandle> {
  const backends = new Map(plan.backends.map((o) => [o.name, new Backend(o)]));
  const frontends: Frontend[] = [];
  let cur = 0;
  const admission: Admission = {
    runtime,
    take() {
      if (cur >= plan.maxconn) return false;
      cur++;
      return true;
    },
    give: () => {
      cur--;
      for (const fe of frontends) fe.admit();
    },
    get cur() {
      return cur;
    },
  };
  for (const f of plan.frontends) {
    const backend = backends.get(f.defaultBackend);
    if (!backend) throw new Error(`frontend ${f.name}: unknown backend "${f.defaultBackend}"`);
    frontends.push(
      new Frontend({ ...f, backend, backends, backendRules: plan.backendRules }, admission),
    );
  }
  const binds: ProxyHandle["binds"] = [];
  const tlsBinds: { plan: BindTlsPlan; listener: TlsListenerExtras }[] = [];
  try {
    for (const [i, f] of plan.frontends.entries()) {
      const fe = frontends[i]!;
      for (const b of f.binds) {
        const proxied = b.acceptProxy === true;
        const where = { host: b.host, port: b.port };
        if (b.tls && proxied) {
          // accept-proxy ssl: a plain listener; TLS starts after the PROXY header (ProxyHeaderWait)
          const acceptor = tlsAcceptor(runtime, { ...where, tls: b.tls.options }, b.tls.where);
          const l = await runtime.listen(where, (sock) => fe.accept(sock, true, acceptor));
          fe.listeners.push(l);
          tlsBinds.push({ plan: b.tls, listener: acceptor });
          const tls = { stack: acceptor.stack, warnings: acceptor.warnings };
          binds.push({ frontend: fe.name, host: b.host, port: l.port, tls });
          continue;
        }
        const open = (sock: Socket) => fe.accept(sock, proxied);
        if (b.tls) {
          const l = await runtime.listenTls({ ...where, tls: b.tls.options }, open);
          fe.listeners.push(l);
          tlsBinds.push({ plan: b.tls, listener: l });
          const tls = { stack: l.stack, warnings: l.warnings };
          binds.push({ frontend: fe.name, host: b.host, port: l.port, tls });
          continue;
        }
        const l = await runtime.listen(where, open);
        fe.listeners.push(l);
        binds.push({ frontend: fe.name, host: b.host, port: l.port });
      }
    }
  } catch (err) {
    for (const fe of frontends) for (const l of fe.listeners) l.close();
    throw err;
  }
  const checks: RunningChecks = startChecks(plan.checks ?? [], backends, runtime);
  let stopping: Promise<void> | undefined;
  return {
    binds,
    frontends,
    backends,
    shutdown() {
      checks.stop();
      stopping ??= Promise.all(frontends.map((fe) => fe.stop(plan.hardStopAfter))).then(() => {
        for (const be of backends.values()) be.pool.closeAll();
      });
      return stopping;
    },
    async reloadCertificates() {
      const errors: string[] = [];
      for (const { plan: tls, listener } of tlsBinds) {
        let certificates;
        try {
          certificates = tls.reload(); // its errors name the bind already
        } catch (err) {
          errors.push((err as Error).message);
          continue;
        }
        try {
          await listener.setCertificates(certificates);
        } catch (err) {
          errors.push(`${tls.where}: ${(err as Error).message}`);
        }
      }
      return errors;
    },
  };
}

/** The runtime's acceptor for an acceptProxy + tls bind; its refusal names the bind. */
function tlsAcceptor(
  runtime: Runtime,
  options: Parameters<Runtime["tlsAcceptor"]>[0],
  where: string,
): TlsAcceptor {
  try {
    return runtime.tlsAcceptor(options);
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`, { cause: err });
  }
}

/** Starts the proxy described by a validated config (see {@link startPlan}). */
export async function startProxy(config: Config, runtime: Runtime): Promise<ProxyHandle> {
  return startPlan(await planFromConfig(config), runtime);
}
