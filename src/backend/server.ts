/** One server of a backend: its address, weight, state and counters, shared by balancers and stats. */
import type { LbServer } from "../lb/types.ts";
import { rampedWeight } from "./slowstart.ts";
import type { TlsSessionCache } from "../runtime/types.ts";
import type { ServerTls } from "./server_tls.ts";
import type { ServerObserver } from "./server_hooks.ts";
import { ServerCounters } from "../stats/counters.ts";

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
  /** Start in DRAIN: no balanced traffic, cookie-persistent requests still served. */
  drain?: boolean | undefined;
  /** on-marked-down shutdown-sessions: cut this server's sessions when it goes DOWN. */
  onMarkedDown?: "shutdown-sessions" | undefined;
  /** on-marked-up shutdown-backup-sessions: cut backup servers' sessions when this one comes UP. */
  onMarkedUp?: "shutdown-backup-sessions" | undefined;
  /** Milliseconds over which the weight grows back after the server comes back UP (0: none). */
  slowstart?: number | undefined;
  /** The clock of the slowstart ramp (ms); Date.now unless a test fakes it. */
  clock?: (() => number) | undefined;
  /** Send a PROXY protocol v1 line (send-proxy) / v2 header (send-proxy-v2, wins) on each connection. */
  sendProxy?: boolean | undefined;
  sendProxyV2?: boolean | undefined;
  /** Connect over TLS with these settings (ssl); absent: plain TCP. */
  tls?: ServerTls | undefined;
  /**
   * HTTP/2 to this server: "always" (proto h2: h2c in clear, h2 over TLS), "alpn" (when the TLS
   * handshake picks h2 from the server's alpn list); default "never" (HTTP/1.1).
   */
  h2?: "never" | "always" | "alpn" | undefined;
  /** Counters to count into (the replaced server's, on reload); new by default. */
  counters?: ServerCounters | undefined;
}

/** What a reload keeps of a server's run-time settings: those the config did not change. */
export interface KeptSettings {
  /** The admin state (MAINT, DRAIN) set at run time. */
  readonly admin: boolean;
  readonly weight: boolean;
  readonly maxconn: boolean;
}

export class Server implements LbServer {
  readonly name: string;
  /** 0 until numbered: balancers then go by position (`first` fills servers in id order). */
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly backup: boolean;
  readonly maxqueue: number;
  readonly cookie: string;
  /** The PROXY protocol version written first on each new connection; 0: none. */
  readonly proxyProtocol: 0 | 1 | 2;
  /** TLS settings when the server is reached over TLS (ssl), else null. */
  readonly tls: ServerTls | null;
  /** Whether requests go to it as HTTP/2 streams (see ServerOptions.h2). */
  readonly h2: "never" | "always" | "alpn";
  /** The last TLS session, resumed by the next connection where the runtime allows. */
  readonly tlsSessions: TlsSessionCache = {};
  weight: number;
  /** The weight it was configured with (HAProxy's iweight): `set weight N%` is relative to it. */
  readonly initialWeight: number;
  state: ServerState;
  /** Health checks run and may move it (false after `disable health`: the checker pauses). */
  healthEnabled = true;
  /** Connections open to this server now (HAProxy's scur) and at most so far (smax). */
  cur = 0;
  max = 0;
  /** What it counts for stats (stot, bin, bout, econ, eresp, wretr, ...): see ServerCounters. */
  readonly counters: ServerCounters;
  /** True while an active health check runs for this server (src/check/). */
  checked = false;
  /** HAProxy's check health: 0 to rise-1 is DOWN, rise to rise+fall-1 UP (rise+fall-1: fully UP). */
  checkHealth = 0;
  /** The checker's rise and fall (0 while unchecked), for the stats' "UP 1/3", "DOWN 1/2". */
  checkRise = 0;
  checkFall = 0;
  /** The last health check's outcome; null until one completed. */
  lastCheck: CheckOutcome | null = null;
  /** False while health checks say DOWN, whatever the admin state (a DRAIN server may be down). */
  running = true;
  /** The same server across reloads (`inherit` passes it on): sessions of older generations match it. */
  lineage: object = {};
  readonly onMarkedDown: "shutdown-sessions" | null;
  readonly onMarkedUp: "shutdown-backup-sessions" | null;
  /** Passive health (observe), set while its checker runs; null: not observed. */
  observer: ServerObserver | null = null;
  /** When `state` last changed by a health check or at start (ms since the epoch; lastchg). */
  lastChange = Date.now();
  /** The slowstart period (ms, 0: none); see `effectiveWeight`. */
  readonly slowstart: number;
  /** When the server last came back UP (`cameUp`), or -Infinity: never since start. */
  upSince = -Infinity;
  /** The end of the current slowstart ramp (ms), 0 when none runs: the fast path reads no clock. */
  #warmUntil = 0;
  #clock: () => number;
  #maxconn: number;
  /** Since when it is not UP/DRAIN-and-running (ms), or -1; and the total of past such spells. */
  #downSince = -1;
  #downTotal = 0;

  constructor(o: ServerOptions) {
    this.name = o.name;
    this.counters = o.counters ?? new ServerCounters();
    this.id = o.id ?? 0;
    this.host = o.host;
    this.port = o.port;
    this.weight = o.weight;
    this.initialWeight = o.weight;
    this.backup = o.backup ?? false;
    this.#maxconn = o.maxconn ?? 0;
    this.maxqueue = o.maxqueue ?? 0;
    this.cookie = o.cookie ?? "";
    this.proxyProtocol = o.sendProxyV2 ? 2 : o.sendProxy ? 1 : 0;
    this.tls = o.tls ?? null;
    this.h2 = o.h2 ?? "never";
    this.state = o.disabled ? "MAINT" : o.drain ? "DRAIN" : "UP";
    this.onMarkedDown = o.onMarkedDown ?? null;
    this.onMarkedUp = o.onMarkedUp ?? null;
    this.slowstart = o.slowstart ?? 0;
    this.#clock = o.clock ?? Date.now;
    if (this.state === "MAINT") this.#downSince = this.lastChange;
  }

  /** Most connections at once, 0 = unlimited (`set maxconn server` changes it). */
  get maxconn(): number {
    return this.#maxconn;
  }

  /** Seconds spent out of service (DOWN or MAINT) since start, the current spell included. */
  downtime(now: number = Date.now()): number {
    const open = this.#downSince >= 0 ? now - this.#downSince : 0;
    return Math.floor((this.#downTotal + open) / 1000);
  }

  /**
   * Moves `state` (the checks' verdict `running` is kept apart) and notes when: lastchg and the
   * downtime clock. Called by the admin state changes (admin.ts) and the checker; nobody else.
   */
  moveTo(state: ServerState, now: number = Date.now()): void {
    if (state === this.state) return;
    this.state = state;
    this.lastChange = now;
    const out = state === "MAINT" || state === "DOWN";
    if (out && this.#downSince < 0) this.#downSince = now;
    if (!out && this.#downSince >= 0) {
      this.#downTotal += now - this.#downSince;
      this.#downSince = -1;
    }
  }

  /**
   * Takes over the run-time state of `prev`, the same-named server of the generation a reload
   * replaces: the checks' verdict (`running`, a DOWN state, check health, last check), the admin
   * state, weight and maxconn set at run time where `keep` says the config left them alone, the
   * slowstart ramp, downtime and smax. The caller refreshes the backend's backups after.
   */
  inherit(prev: Server, keep: KeptSettings): void {
    const configured = this.state;
    this.running = prev.running;
    this.healthEnabled = prev.healthEnabled;
    this.checkHealth = prev.checkHealth;
    this.lastCheck = prev.lastCheck;
    this.max = prev.max;
    this.state = prev.state;
    this.lastChange = prev.lastChange;
    this.#downSince = prev.#downSince;
    this.#downTotal = prev.#downTotal;
    if (!keep.admin) {
      const health = prev.running ? "UP" : "DOWN";
      this.moveTo(configured === "UP" ? health : configured);
    }
    this.upSince = prev.upSince;
    this.#warmUntil = prev.#warmUntil > 0 && this.slowstart > 0 ? prev.upSince + this.slowstart : 0;
    if (keep.weight) this.weight = prev.weight;
    if (keep.maxconn) this.#maxconn = prev.#maxconn;
    this.lineage = prev.lineage;
  }

  /** Sets the connection limit (0: none); callers wake queued requests when it grew. */
  changeMaxconn(n: number): void {
    this.#maxconn = n;
  }

  /** True in state UP, whatever the load. */
  /**
   * UP and not held in reserve: a backup server other than the first one UP is on standby unless
   * the backend sets allbackups (`Backend.refreshBackups`).
   */
  get up(): boolean {
    return this.state === "UP" && !this.standby;
  }

  /** A backup kept in reserve behind another backup (HAProxy without `option allbackups`). */
  standby = false;

  /**
   * The weight dynamic algorithms see: `weight`, except during the `slowstart` period after the
   * server came back UP, when it grows from 1/16 of it (`rampedWeight`). Never ramps at process
   * start (HAProxy: "it only applies when a server has been previously seen as failed").
   */
  get effectiveWeight(): number {
    if (this.#warmUntil === 0) return this.weight;
    const now = this.#clock();
    if (now >= this.#warmUntil || now < this.upSince) {
      this.#warmUntil = 0;
      return this.weight;
    }
    return rampedWeight(this.weight, now - this.upSince, this.slowstart);
  }

  /** The server came back UP (a health check, or leaving maintenance): its slowstart begins. */
  cameUp(now: number = this.#clock()): void {
    this.upSince = now;
    this.#warmUntil = this.slowstart > 0 ? now + this.slowstart : 0;
  }

  /**
   * May take a request whose persistence cookie names it: UP, or DRAIN and not DOWN by its checks
   * (HAProxy: a draining server keeps its persistent users), and below its maxconn.
   */
  get acceptsPersistent(): boolean {
    return (this.state === "UP" || (this.state === "DRAIN" && this.running)) &&
      (this.maxconn === 0 || this.cur < this.maxconn);
  }

  /** Picked for new connections only when UP and below its maxconn (0 = unlimited). */
  get usable(): boolean {
    return this.up && (this.maxconn === 0 || this.cur < this.maxconn);
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }
}
