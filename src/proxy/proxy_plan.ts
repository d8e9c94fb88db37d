/** The plan a running proxy is built from: everything with defaults merged (src/plan/ makes it from a checked config). */
import type { BackendOptions } from "../backend/backend.ts";
import type { CheckPlan } from "../check/mod.ts";
import type { BackendHttpRules, FrontendRules } from "../rules/rule_sets.ts";
import type { AccessRecord } from "../log/access.ts";
import type { HttpFrontendOptions } from "./http/options.ts";
import type { FrontendServices } from "./http/service.ts";
import type { BindSpec } from "./accept/listeners.ts";
import type { StickTable } from "../stick/table.ts";

/** Everything the proxy needs, with defaults already merged (src/plan/ turns a checked config into one). */
export interface ProxyPlan {
  maxconn: number;
  /** global rate-limit sessions: new sessions per second in the whole process; 0 or absent: none. */
  rateLimitSessions?: number;
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
  /** The stick tables rules use, by name (a reload keeps those whose spec is unchanged). */
  stickTables?: ReadonlyMap<string, StickTable> | null;
  /** Health checks, one per server with `check: true` (started once every bind succeeded). */
  checks?: readonly CheckPlan[];
}
