/** One server of a backend: its address, weight, state and counters, shared by balancers and stats. */
import type { LbServer } from "../lb/types.ts";

export type ServerState = "UP" | "DOWN" | "MAINT" | "DRAIN";

/** What a server's last health check found (written by src/check/). */
export interface CheckOutcome {
  readonly ok: boolean;
  /** HAProxy's check status text, e.g. "Layer4 connection problem", "Layer7 wrong status". */
  readonly status: string;
  /** The HTTP status of an HTTP check's response, when one was read. */
  readonly code?: number | undefined;
  /** More detail: the reason phrase, "Connection refused", ... */
  readonly info?: string | undefined;
  readonly durationMs: number;
  /** When the check ended (ms since the epoch). */
  readonly at: number;
}

export interface ServerOptions {
  name: string;
  /** HAProxy's server id; the backend gives the 1-based position when the config sets none. */
  id?: number | undefined;
  host: string;
  port: number;
  weight: number;
  maxconn?: number | undefined;
  /** The value of the backend's persistence cookie naming this server ("" for none). */
  cookie?: string | undefined;
  /** Requests that may wait for this server (0: no limit). */
  maxqueue?: number | undefined;
  backup?: boolean | undefined;
  disabled?: boolean | undefined;
  /** Send a PROXY protocol v1 line (send-proxy) / v2 header (send-proxy-v2, wins) on each connection. */
  sendProxy?: boolean | undefined;
  sendProxyV2?: boolean | undefined;
}

export class Server implements LbServer {
  readonly name: string;
  /** 0 until numbered: balancers then go by position (`first` fills servers in id order). */
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly backup: boolean;
  readonly maxconn: number;
  readonly maxqueue: number;
  readonly cookie: string;
  /** The PROXY protocol version written first on each new connection; 0: none. */
  readonly proxyProtocol: 0 | 1 | 2;
  weight: number;
  state: ServerState;
  /** Connections open to this server now. */
  cur = 0;
  /** Connections ever established to this server. */
  total = 0;
  /** Connect attempts that failed (refused or timed out). */
  connectErrors = 0;
  bytesIn = 0;
  bytesOut = 0;
  /** True while an active health check runs for this server (src/check/). */
  checked = false;
  /** HAProxy's check health: 0 to rise-1 is DOWN, rise to rise+fall-1 UP (rise+fall-1: fully UP). */
  checkHealth = 0;
  /** The last health check's outcome; null until one completed. */
  lastCheck: CheckOutcome | null = null;
  /** Failed health checks while not fully DOWN (HAProxy's chkfail); times checks took it DOWN. */
  failedChecks = 0;
  downTransitions = 0;
  /** When `state` last changed by a health check or at start (ms since the epoch). */
  lastChange = Date.now();

  constructor(o: ServerOptions) {
    this.name = o.name;
    this.id = o.id ?? 0;
    this.host = o.host;
    this.port = o.port;
    this.weight = o.weight;
    this.backup = o.backup ?? false;
    this.maxconn = o.maxconn ?? 0;
    this.maxqueue = o.maxqueue ?? 0;
    this.cookie = o.cookie ?? "";
    this.proxyProtocol = o.sendProxyV2 ? 2 : o.sendProxy ? 1 : 0;
    this.state = o.disabled ? "MAINT" : "UP";
  }

  /** Picked for new connections only when UP and below its maxconn (0 = unlimited). */
  get usable(): boolean {
    return this.state === "UP" && (this.maxconn === 0 || this.cur < this.maxconn);
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }
}
