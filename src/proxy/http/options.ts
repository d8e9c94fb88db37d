/** What an HTTP session needs from its frontend: limits, timeouts, connection mode, added headers, logging. */
import type { ErrorCaptures } from "../../stats/error_captures.ts";
import type { Backend } from "../../backend/backend.ts";
import type { HeadLimits } from "../../http1/types.ts";
import type { AccessRecord } from "../../log/access.ts";
import type { BackendHttpRules, FrontendRules } from "../../rules/rule_sets.ts";
import type { ContextOwner } from "../session/l4_context.ts";
import type { Runtime } from "../../runtime/types.ts";
import type { ErrorPages } from "./error_pages.ts";
import type { FrontendCompression } from "./compress.ts";
import type { FrontendServices } from "./service.ts";
import type { FrontendCounters, ProcessCounters } from "../../stats/counters.ts";
import type { Socket } from "../../runtime/types.ts";
import type { Server } from "../../backend/server.ts";
import type { ServerSession } from "../../backend/server_hooks.ts";
import type { Tracker } from "../../stick/tracker.ts";

/** HAProxy's connection modes: keep both sides alive, close the server side after each response, or close both. */
export type HttpConnectionMode = "http-keep-alive" | "http-server-close" | "httpclose";

export interface ForwardFor {
  /** The header to add, X-Forwarded-For by default. */
  header: string;
  /** Clients in these networks get no header (HAProxy's `except`). */
  except: ((ip: string) => boolean) | null;
}

export interface HttpFrontendOptions {
  readonly limits: HeadLimits;
  readonly clientTimeout: number;
  /** Longest wait for a complete request head (slowloris guard); 408 when it runs out. */
  readonly httpRequestTimeout: number;
  /** Longest wait for the next request on an idle keep-alive connection. */
  readonly httpKeepAliveTimeout: number;
  readonly tunnelTimeout: number;
  /** How long http-request tarpit in the frontend's rules holds a request (timeout tarpit). */
  readonly tarpitTimeout: number;
  readonly connectionMode: HttpConnectionMode;
  readonly forwardFor: ForwardFor | null;
  /** Add X-Forwarded-Proto and X-Forwarded-Host. */
  readonly forwardedProto: boolean;
  /** Add an RFC 7239 Forwarded header. */
  readonly forwarded: boolean;
  /** Value of a Via header to add (e.g. "1.1 tsproxy"), or null. */
  readonly via: string | null;
  /** Accept CONNECT requests (tunnels); refused with 405 otherwise. */
  readonly acceptConnect: boolean;
  readonly errors: ErrorPages;
  /** Response compression, per backend, with the frontend's counters; null when nothing is compressed. */
  readonly compression: FrontendCompression | null;
  /** The last rejected request, for `show errors`; absent: not captured. */
  readonly captures?: ErrorCaptures | undefined;
  /** Starts HTTP/2 on a connection (ALPN h2, or an h2c preface); absent or null: HTTP/1 only. */
  readonly h2?: H2Start | null | undefined;
}

/**
 * Takes a connection over as HTTP/2 (built by the plan, so that proxy/http/ does not import
 * proxy/h2/): `first` holds the bytes already read (the preface and what followed), `done` is
 * called once when the connection closed.
 */
export type H2Start = (
  owner: HttpOwner,
  client: Socket,
  tracker: Tracker | null,
  first: Uint8Array | null,
  done: () => void,
) => H2Handle;

/** What the HTTP/1 session that handed a connection over still asks of it. */
export interface H2Handle {
  stopSoftly(): void;
  kill(): void;
  onServer(server: Server): ServerSession[];
}

/** The frontend as an HTTP session sees it. */
export interface HttpOwner extends ContextOwner {
  readonly name: string;
  readonly runtime: Runtime;
  /** The default backend. */
  readonly backend: Backend;
  readonly http: HttpFrontendOptions;
  /** The frontend's compiled rules, or null when it has none. */
  readonly rules: FrontendRules | null;
  /** Its local services (stats page, use-service, the API), or null: requests pay one null test. */
  readonly services: FrontendServices | null;
  /** A backend a useBackend rule names (the config check made sure it exists). */
  backendNamed(name: string): Backend | undefined;
  /** True when a request may meet rules: the frontend's, or those of any backend. */
  readonly hasRequestRules: boolean;
  /** The http-request/http-response rules of backend `name`, if it has any. */
  backendRules(name: string): BackendHttpRules | undefined;
  /** The frontend's counters, and the process's. */
  readonly counters: FrontendCounters;
  readonly processCounters: ProcessCounters;
  /** Connections open on this frontend, and in the process (for logs). */
  readonly cur: number;
  readonly processCur: number;
  release(session: object): void;
  /** The frontend that replaced this one on reload, or null: a session moves there at its next request. */
  readonly successor: HttpOwner | null;
  /** Moves `session` to the newest successor (its slot with it) and returns that frontend. */
  handOver(session: object): HttpOwner;
  /** False when the frontend's access log is off: sessions then build no records. */
  readonly logsAccess: boolean;
  logAccess(record: AccessRecord): void;
}
