/** A backend: its servers, the balancer that picks among them, and its connect settings. */
import { type BalanceSpec, createBalancer } from "../lb/registry.ts";
import type { Balancer, HashType } from "../lb/types.ts";
import { ConnectionPool } from "./pool.ts";
import type { CookiePolicy } from "./cookie.ts";
import { Queue } from "./queue.ts";
import { DEFAULT_RETRY_ON, type RetryOn } from "./retry.ts";
import { Server, type ServerOptions } from "./server.ts";

export interface BackendOptions {
  name: string;
  mode: "tcp" | "http";
  balance: BalanceSpec;
  hashType: HashType;
  hashBalanceFactor: number;
  retries: number;
  /** What besides connect failures is retried (HTTP); default: connect failures only. */
  retryOn?: RetryOn;
  /** option redispatch's interval (see redispatches()); default 1: every retry elsewhere. */
  redispatch?: number;
  /** Cookie persistence (HTTP), or null. */
  cookie?: CookiePolicy | null;
  connectTimeout: number;
  serverTimeout: number;
  /** Idle connections kept per server for reuse (0: no reuse) and how long they may stay idle. */
  poolMaxConn: number;
  poolPurgeDelay: number;
  /** Longest a request waits in the queue for a server slot (timeout queue); 0: the connect timeout. */
  queueTimeout?: number;
  servers: ServerOptions[];
}

export class Backend {
  readonly name: string;
  readonly mode: "tcp" | "http";
  readonly retries: number;
  readonly retryOn: RetryOn;
  readonly redispatch: number;
  readonly cookie: CookiePolicy | null;
  readonly connectTimeout: number;
  readonly serverTimeout: number;
  readonly servers: readonly Server[];
  readonly balancer: Balancer<Server>;
  readonly pool: ConnectionPool;
  /** Requests waiting because every usable server is at its maxconn. */
  readonly queue: Queue = new Queue();
  readonly queueTimeout: number;
  /** Connections open through this backend now / ever. */
  cur = 0;
  total = 0;

  constructor(o: BackendOptions) {
    this.name = o.name;
    this.mode = o.mode;
    this.retries = o.retries;
    this.retryOn = o.retryOn ?? DEFAULT_RETRY_ON;
    this.redispatch = o.redispatch ?? 1;
    this.cookie = o.cookie ?? null;
    this.connectTimeout = o.connectTimeout;
    this.serverTimeout = o.serverTimeout;
    this.servers = o.servers.map((s, i) => new Server({ id: i + 1, ...s }));
    this.balancer = createBalancer(o.balance, this.servers, {
      hashType: o.hashType,
      hashBalanceFactor: o.hashBalanceFactor,
    });
    this.pool = new ConnectionPool(o.poolMaxConn, o.poolPurgeDelay);
    this.queueTimeout = o.queueTimeout || o.connectTimeout;
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

  /** A connection to `server` ended: its slot goes to the first queued request, if any. */
  release(server: Server): void {
    server.cur--;
    if (this.queue.length > 0 && server.usable) this.queue.wake();
  }

  /**
   * True when a request finding no usable server should wait rather than fail: a server that
   * would be picked is only full (UP, at its maxconn), not down.
   */
  get saturated(): boolean {
    const active = this.servers.some((s) => !s.backup && s.state === "UP" && s.weight > 0);
    return this.servers.some((s) =>
      s.backup === !active && s.state === "UP" && s.weight > 0 && s.maxconn > 0 &&
      s.cur >= s.maxconn
    );
  }
}
