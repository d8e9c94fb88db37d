/** What a Frontend is built from: its name, mode, limits, backends, rules, HTTP settings, services and log. */
import type { Backend } from "../../backend/backend.ts";
import type { AccessRecord } from "../../log/access.ts";
import type { BackendHttpRules, FrontendRules } from "../../rules/rule_sets.ts";
import type { HttpFrontendOptions } from "../http/options.ts";
import type { FrontendServices } from "../http/service.ts";

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
}
