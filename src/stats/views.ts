/** Read-only views of the objects the metrics table reads (Server, Backend, Frontend, the process), declared here so stats/ imports none of them. */
import type {
  BackendCounters,
  CompressionCounters,
  FrontendCounters,
  ProcessCounters,
  ServerCounters,
} from "./counters.ts";

/** What the table reads of a server (src/backend/server.ts). */
export interface ServerView {
  readonly name: string;
  readonly counters: Readonly<ServerCounters>;
  /** Connections open now / at most (scur, smax); its maxconn (slim, 0: none) and maxqueue. */
  readonly cur: number;
  readonly max: number;
  readonly maxconn: number;
  readonly maxqueue: number;
  /** When its state last changed (ms since the epoch). */
  readonly lastChange: number;
}

/** What the table reads of a backend (src/backend/backend.ts). */
export interface BackendView {
  readonly name: string;
  readonly counters: Readonly<BackendCounters>;
  readonly compression: Readonly<CompressionCounters>;
  readonly cur: number;
  readonly max: number;
  /** Requests waiting for a server slot now / at most. */
  readonly queue: { readonly length: number; readonly max: number };
  /** When it last lost or regained its usable servers (ms since the epoch). */
  readonly lastChange: number;
  readonly servers: readonly ServerView[];
}

/** What the table reads of a frontend (src/proxy/accept/frontend.ts). */
export interface FrontendView {
  readonly name: string;
  readonly counters: Readonly<FrontendCounters>;
  readonly cur: number;
  readonly max: number;
  readonly maxconn: number;
  /** Accepted connections waiting for a slot under maxconn. */
  readonly waiting: number;
  /** HTTP settings (null in TCP mode): the compression counters, when it compresses. */
  readonly http:
    | { readonly compression: { readonly counters: Readonly<CompressionCounters> } | null }
    | null;
}

/** What the table reads of the process (a ProxyHandle's `process`). */
export interface ProcessView {
  readonly counters: Readonly<ProcessCounters>;
  /** Sessions open in the whole process now, and the global maxconn. */
  readonly cur: number;
  readonly maxconn: number;
}

/** A running proxy as the table reads it (`ProxyHandle` in src/proxy/proxy.ts is one). */
export interface ProxyView {
  readonly process: ProcessView;
  readonly frontends: readonly FrontendView[];
  readonly backends: ReadonlyMap<string, BackendView>;
}

/** The scopes rows apply to, with the view each one reads. */
export interface ScopeViews {
  process: ProcessView;
  frontend: FrontendView;
  backend: BackendView;
  server: ServerView;
}

/**
 * A row applies to some of these. HAProxy's fifth, listener (per-bind lines, `option
 * socket-stats`), has no rows yet: tsproxy does not tell which bind a session came through.
 */
export type Scope = keyof ScopeViews;
