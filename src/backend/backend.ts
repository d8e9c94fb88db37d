/** A backend: its servers, the balancer that picks among them, and its connect settings. */
import { type BalanceSpec, createBalancer, isHashed } from "../lb/registry.ts";
import type {
  Balancer,
  BalancerOptions,
  HashFunction,
  HashType,
  PickContext,
} from "../lb/types.ts";
import { ConnectionPool } from "./pool.ts";
import type { ServerMux } from "./mux.ts";
import type { CookiePolicy } from "./cookie.ts";
import { Queue } from "./queue.ts";
import { DEFAULT_RETRY_ON, type RetryOn } from "./retry.ts";
import { Server, type ServerOptions } from "./server.ts";
import type { ServerSession } from "./server_hooks.ts";
import { BackendCounters, CompressionCounters } from "../stats/counters.ts";
import type { Persistence, StickStores } from "../stick/persist.ts";
import type { SampleContext } from "../rules/types.ts";

export interface BackendOptions {
  name: string;
  mode: "tcp" | "http";
  balance: BalanceSpec;
  hashType: HashType;
  /** The key hash; default fnv1a. */
  hashFunction?: HashFunction;
  hashBalanceFactor: number;
  retries: number;
  /** What besides connect failures is retried (HTTP); default: connect failures only. */
  retryOn?: RetryOn;
  /** option redispatch's interval (see redispatches()); default 1: every retry elsewhere. */
  redispatch?: number;
  /** Cookie persistence (HTTP), or null. */
  cookie?: CookiePolicy | null;
  /** option allbackups: every backup takes traffic when no active server is up (default: the first). */
  allBackups?: boolean;
  /** Its `stick` rules over their tables, or null: requests pay one null test. */
  stick?: Persistence<SampleContext> | null;
  connectTimeout: number;
  serverTimeout: number;
  /** Idle connections kept per server for reuse (0: no reuse) and how long they may stay idle. */
  poolMaxConn: number;
  /** http-reuse always: a client's first request may take an idle pooled connection too. */
  reuseFirst?: boolean;
  poolPurgeDelay: number;
  /** Longest a request waits in the queue for a server slot (timeout queue); 0: the connect timeout. */
  queueTimeout?: number;
  /** How long http-request tarpit in this backend's rules holds a request; default: connectTimeout. */
  tarpitTimeout?: number;
  servers: ServerOptions[];
  /** Makes the pool of HTTP/2 streams when a server speaks HTTP/2 (proxy/h2/ builds it); else absent. */
  mux?: ((backend: { readonly pool: ConnectionPool }) => ServerMux) | undefined;
  /** Counters to count into (the replaced backend's, on reload); new by default. */
  counters?: BackendCounters;
  compression?: CompressionCounters;
}

export class Backend {
  readonly name: string;
  readonly mode: "tcp" | "http";
  readonly retries: number;
  readonly retryOn: RetryOn;
  readonly redispatch: number;
  readonly cookie: CookiePolicy | null;
  readonly allBackups: boolean;
  /** Its sticking rules, or null (see `stickServer`). */
  readonly stick: Persistence<SampleContext> | null;
  readonly connectTimeout: number;
  readonly serverTimeout: number;
  readonly tarpitTimeout: number;
  #servers: readonly Server[];
  #balancer: Balancer<Server>;
  readonly #spec: BalanceSpec;
  readonly #lbOptions: BalancerOptions;
  /** How the sessions using a server are found (the proxy walks its frontends); none by default. */
  #sessionsOn: (server: Server) => ServerSession[] = () => [];
  readonly pool: ConnectionPool;
  /** HTTP/2 streams to its servers that speak HTTP/2; null when none does. */
  readonly mux: ServerMux | null;
  /** http-reuse always: a client's first request may take an idle pooled connection too. */
  readonly reuseFirst: boolean;
  /** Requests waiting because every usable server is at its maxconn. */
  readonly queue: Queue = new Queue();
  readonly queueTimeout: number;
  /** Connections open through this backend now / at most (HAProxy's scur, smax). */
  cur = 0;
  max = 0;
  /** What it counts for stats (stot, bin, bout, econ, eresp, wretr, ...): see BackendCounters. */
  readonly counters: BackendCounters;
  /** Compression of its responses (comp_in, comp_out, ...). */
  readonly compression: CompressionCounters;
  /** When it last lost or regained its usable servers (lastchg). */
  lastChange = Date.now();
  readonly #algo: string;

  constructor(o: BackendOptions) {
    this.name = o.name;
    this.counters = o.counters ?? new BackendCounters();
    this.compression = o.compression ?? new CompressionCounters();
    this.#algo = o.balance.name;
    this.mode = o.mode;
    this.retries = o.retries;
    this.retryOn = o.retryOn ?? DEFAULT_RETRY_ON;
    this.redispatch = o.redispatch ?? 1;
    this.cookie = o.cookie ?? null;
    this.allBackups = o.allBackups ?? false;
    this.stick = o.stick ?? null;
    this.connectTimeout = o.connectTimeout;
    this.serverTimeout = o.serverTimeout;
    this.tarpitTimeout = o.tarpitTimeout ?? o.connectTimeout;
    this.#servers = o.servers.map((s, i) => new Server({ id: i + 1, ...s }));
    this.refreshBackups();
    this.#spec = o.balance;
    this.#lbOptions = {
      hashType: o.hashType,
      hashFunction: o.hashFunction,
      hashBalanceFactor: o.hashBalanceFactor,
    };
    this.#balancer = createBalancer(o.balance, this.#servers, this.#lbOptions);
    this.pool = new ConnectionPool(o.poolMaxConn, o.poolPurgeDelay);
    this.mux = o.mux?.(this) ?? null;
    this.reuseFirst = o.reuseFirst ?? false;
    this.queueTimeout = o.queueTimeout || o.connectTimeout;
  }

  /** Its servers in id order; a new array after each `addServer`/`removeServer`. */
  get servers(): readonly Server[] {
    return this.#servers;
  }

  /** The balancer over `servers` (rebuilt when a server is added or removed). */
  get balancer(): Balancer<Server> {
    return this.#balancer;
  }

  /**
   * Whether servers may be added and removed at run time: HAProxy requires a dynamic algorithm
   * (not static-rr, not map-based hashing, whose table is built from the initial weights).
   */
  get dynamic(): boolean {
    if (this.#spec.name === "static-rr") return false;
    return !isHashed(this.#spec) || this.#lbOptions.hashType === "consistent";
  }

  /**
   * Adds a server at run time (HAProxy's `add server`); the balancer is rebuilt over the new list,
   * so picks stay allocation-free, and the other servers keep their counters. Its id is the next
   * free one unless `o.id` says. Throws a RangeError when the name or id is taken.
   */
  addServer(o: ServerOptions): Server {
    if (this.#servers.some((s) => s.name === o.name)) {
      throw new RangeError(`backend ${this.name}: a server named "${o.name}" exists`);
    }
    const id = o.id ?? this.#servers.reduce((m, s) => Math.max(m, s.id), 0) + 1;
    if (this.#servers.some((s) => s.id === id)) {
      throw new RangeError(`backend ${this.name}: server id ${id} is taken`);
    }
    const server = new Server({ ...o, id });
    this.#replace([...this.#servers, server].sort((a, b) => a.id - b.id));
    return server;
  }

  /** Removes `server` (the caller checked it is in MAINT with nothing open); its idle connections close. */
  removeServer(server: Server): void {
    this.pool.dropServer(server);
    this.#replace(this.#servers.filter((s) => s !== server));
  }

  #replace(servers: readonly Server[]): void {
    this.#servers = servers;
    this.refreshBackups();
    this.#balancer = createBalancer(this.#spec, servers, this.#lbOptions);
  }

  /**
   * Without allbackups only the first backup server that is UP (in config order) may take traffic:
   * the others are put on standby. Call after any server's state changed.
   */
  refreshBackups(): void {
    let primary: Server | null = null;
    for (const s of this.servers) {
      if (!s.backup) continue;
      s.standby = !this.allBackups && primary !== null;
      if (primary === null && s.state === "UP" && s.weight > 0) primary = s;
    }
  }

  /** The queue's limit: the servers' maxqueue summed when every server sets one, else none (0). */
  get maxQueue(): number {
    let sum = 0;
    for (const s of this.servers) {
      if (s.maxqueue === 0) return 0;
      sum += s.maxqueue;
    }
    return sum;
  }

  /** The server with id `id` (HAProxy's puid, what stick tables store), or null. */
  serverById(id: number): Server | null {
    for (const s of this.#servers) if (s.id === id) return s;
    return null;
  }

  /** A stored server id persistence may use: UP, or DRAIN and not DOWN, under its maxconn. */
  readonly #persistable = (id: number): boolean => this.serverById(id)?.acceptsPersistent ?? false;

  /**
   * Phase "choose server" with stick rules (the backend has `stick`): the server a match rule
   * found, or null (balance); `assigned`: a cookie chose already (match rules then only renew).
   * Keys to store go to `stores`, kept by `stick.store` once the server is known.
   */
  stickServer(ctx: SampleContext, assigned: boolean, stores: StickStores): Server | null {
    const id = this.stick!.onRequest(ctx, this.#persistable, assigned, stores);
    return id === 0 ? null : this.serverById(id);
  }

  /** The balancer's choice for `ctx`, counted in lbtot (the backend's and the server's); null: none usable. */
  pick(ctx?: PickContext): Server | null {
    const s = this.balancer.pick(ctx);
    if (s !== null) {
      this.counters.lbtot++;
      s.counters.lbtot++;
    }
    return s;
  }

  /** The balancer's name (HAProxy's algo column). */
  get algo(): string {
    return this.#algo;
  }

  /** A connection to `server` ended: its slot goes to the first queued request, if any. */
  release(server: Server): void {
    server.cur--;
    if (this.queue.length > 0 && server.usable) this.queue.wake();
  }

  /**
   * The sessions using a connection to `server` now (on-marked-down/up cuts, `shutdown sessions
   * server`): found by walking the proxy's sessions when asked, so no request pays for a registry.
   */
  sessionsOn(server: Server): ServerSession[] {
    return this.#sessionsOn(server);
  }

  /** The proxy tells how to find a server's sessions (`startPlan`). */
  findSessionsWith(find: (server: Server) => ServerSession[]): void {
    this.#sessionsOn = find;
  }

  /** A session starts using a connection to `server` (whose `cur` already counts it). */
  opened(server: Server): void {
    if (++this.cur > this.max) this.max = this.cur;
    this.counters.stot++;
    server.counters.stot++;
    if (server.cur > server.max) server.max = server.cur;
  }

  /** A session let go of its connection to `server`: counted back, the slot released. */
  closed(server: Server): void {
    this.cur--;
    this.release(server);
  }

  /** A session or transaction ended: its bytes from and to the client, for `server` and here. */
  countBytes(server: Server | null, fromClient: number, toClient: number): void {
    this.counters.bin += fromClient;
    this.counters.bout += toClient;
    if (server === null) return;
    server.counters.bin += fromClient;
    server.counters.bout += toClient;
  }

  /**
   * True when a request finding no usable server should wait rather than fail: a server that
   * would be picked is only full (UP, at its maxconn), not down.
   */
  get saturated(): boolean {
    const active = this.servers.some((s) => !s.backup && s.up && s.weight > 0);
    return this.servers.some((s) =>
      s.backup === !active && s.up && s.weight > 0 && s.maxconn > 0 && s.cur >= s.maxconn
    );
  }
}
