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
  /** HAProxy's server id (sid) and its address (addr). */
  readonly id: number;
  readonly address: string;
  /** A backup server (bck) rather than an active one (act); `standby`: a backup held in reserve. */
  readonly backup: boolean;
  readonly standby: boolean;
  /** The configured weight (uweight) and the one balancers see now (slowstart ramps it). */
  readonly weight: number;
  readonly effectiveWeight: number;
  /** The admin state; `running`: false while health checks say DOWN. */
  readonly state: "UP" | "DOWN" | "MAINT" | "DRAIN";
  readonly running: boolean;
  /** Health checked; its check health counter, rise and fall (HAProxy's check_health, ...). */
  readonly checked: boolean;
  readonly checkHealth: number;
  readonly checkRise: number;
  readonly checkFall: number;
  /** The last completed check, or null. */
  readonly lastCheck: CheckView | null;
}

/** A server's last health check (src/backend/server.ts CheckOutcome). */
export interface CheckView {
  readonly ok: boolean;
  /** HAProxy's description, e.g. "Layer4 connection problem". */
  readonly status: string;
  readonly code?: number | undefined;
  readonly info?: string | undefined;
  /** -1: no probe ran (a passive failure). */
  readonly durationMs: number;
  /** When it ended (ms since the epoch). */
  readonly at: number;
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
  readonly mode: "tcp" | "http";
  /** The balancing algorithm's name (algo). */
  readonly algo: string;
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
  readonly mode: "tcp" | "http";
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

/** What the table reads of a stick table (src/stick/table.ts StickTable). */
export interface StickTableView {
  readonly spec: { readonly name: string; readonly type: string; readonly size: number };
  /** Entries held now. */
  readonly entries: number;
  /** Set on tables shared through Redis (`SharedStickTable`). */
  readonly shared?: SharedTableView;
}

/** What the table reads of a shared stick table's sync (src/stick/shared/). */
export interface SharedTableView {
  /** Redis answered the last sync (or the connection is up). */
  readonly up: boolean;
  /** Date (ms) of the last sync Redis answered; 0: none yet. */
  readonly lastSync: number;
  /** Local changes Redis has not acknowledged yet. */
  readonly pendingChanges: number;
  /** Keys whose own values wait to be pushed. */
  readonly pendingKeys: number;
}

/** A running proxy as the table reads it (`ProxyHandle` in src/proxy/proxy.ts is one). */
export interface ProxyView {
  readonly process: ProcessView;
  readonly frontends: readonly FrontendView[];
  readonly backends: ReadonlyMap<string, BackendView>;
  /** Stick tables by name; absent or empty when the config has none. */
  readonly tables?: ReadonlyMap<string, StickTableView>;
}

/** The scopes rows apply to, with the view each one reads. */
export interface ScopeViews {
  process: ProcessView;
  frontend: FrontendView;
  backend: BackendView;
  server: ServerView;
  sticktable: StickTableView;
}

/**
 * A row applies to some of these (`sticktable`: one per stick table, as HAProxy's exporter's
 * scope of that name). HAProxy's listener scope, listener (per-bind lines, `option
 * socket-stats`), has no rows yet: tsproxy does not tell which bind a session came through.
 */
export type Scope = keyof ScopeViews;
