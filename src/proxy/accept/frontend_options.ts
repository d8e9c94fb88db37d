/** What a Frontend is built from (name, mode, limits, backends, rules, HTTP settings, services, log) and what it deals with (sessions, the global admission). */
import type { Backend } from "../../backend/backend.ts";
import type { Server } from "../../backend/server.ts";
import type { ServerSession } from "../../backend/server_hooks.ts";
import type { AccessRecord } from "../../log/access.ts";
import type { BackendHttpRules, FrontendRules } from "../../rules/rule_sets.ts";
import type { HttpFrontendOptions } from "../http/options.ts";
import type { FrontendServices } from "../http/service.ts";
import type { FrontendCounters, ProcessCounters } from "../../stats/counters.ts";
import type { Runtime } from "../../runtime/types.ts";

export interface FrontendOptions {
  name: string;
  mode: "tcp" | "http";
  maxconn: number;
  clientTimeout: number;
  backend: Backend;
  /** Every backend by name, for useBackend rules. */
  backends?: ReadonlyMap<string, Backend>;
  /** Compiled rules, or null when the frontend has none. */
  rules?: FrontendRules | null;
  /** Backends' own http-request/http-response rules, by backend name. */
  backendRules?: ReadonlyMap<string, BackendHttpRules> | undefined;
  /** HTTP settings (HTTP mode only). */
  http: HttpFrontendOptions | null;
  /** New sessions per second this frontend starts at most (rate-limit sessions); 0: no limit. */
  rateLimitSessions?: number;
  /** Most payload bytes buffered for tcp-request content rules (tune.bufsize); default 16384. */
  inspectBuffer?: number;
  /** Local services: the stats page, use-service, the API listener's app. */
  services?: FrontendServices | null;
  /** Writes one access log line, or null when logging is off. */
  accessLog: ((record: AccessRecord) => void) | null;
  /** Counters to count into (those of the frontend this one replaces on reload); new by default. */
  counters?: FrontendCounters;
}

/** What a frontend tracks of a session of either mode. */
export interface Session {
  kill(): void;
  /**
   * Soft stop: finish what is under way, then close. HTTP closes idle keep-alive connections now,
   * or with `closeIdle` false answers their next request (with connection: close) first.
   */
  stopSoftly?(closeIdle: boolean): void;
  /** A reload replaced its frontend: an HTTP/2 connection is asked to go (GOAWAY), see `retire`. */
  retired?(): void;
  /** What of it uses a connection to `server` now (itself, its transaction), else null. */
  onServer?(server: Server): ServerSession | ServerSession[] | null;
}

/** The process-wide limit shared by all frontends (global maxconn). */
export interface Admission {
  readonly runtime: Runtime;
  /** True when the global limit allows one more session; counts it if so. */
  take(): boolean;
  /** A session ended: give its global slot back and let waiting connections of every frontend in. */
  give(): void;
  /** Sessions open in the whole process. */
  readonly cur: number;
  /** The process's counters (CumReq and the like). */
  readonly counters: ProcessCounters;
}

/** Accepted connections waiting for a slot under maxconn, at most this many per frontend. */
export const MAX_WAITING = 4096;
