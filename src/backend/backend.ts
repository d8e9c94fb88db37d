/** A backend: its servers, the balancer that picks among them, and its connect settings. */
import { type BalanceSpec, createBalancer } from "../lb/registry.ts";
import type { Balancer, HashType } from "../lb/types.ts";
import { ConnectionPool } from "./pool.ts";
import { Server, type ServerOptions } from "./server.ts";

export interface BackendOptions {
  name: string;
  mode: "tcp" | "http";
  balance: BalanceSpec;
  hashType: HashType;
  hashBalanceFactor: number;
  retries: number;
  connectTimeout: number;
  serverTimeout: number;
  /** Idle connections kept per server for reuse (0: no reuse) and how long they may stay idle. */
  poolMaxConn: number;
  poolPurgeDelay: number;
  servers: ServerOptions[];
}

export class Backend {
  readonly name: string;
  readonly mode: "tcp" | "http";
  readonly retries: number;
  readonly connectTimeout: number;
  readonly serverTimeout: number;
  readonly servers: readonly Server[];
  readonly balancer: Balancer<Server>;
  readonly pool: ConnectionPool;
  /** Connections open through this backend now / ever. */
  cur = 0;
  total = 0;

  constructor(o: BackendOptions) {
    this.name = o.name;
    this.mode = o.mode;
    this.retries = o.retries;
    this.connectTimeout = o.connectTimeout;
    this.serverTimeout = o.serverTimeout;
    this.servers = o.servers.map((s, i) => new Server({ id: i + 1, ...s }));
    this.balancer = createBalancer(o.balance, this.servers, {
      hashType: o.hashType,
      hashBalanceFactor: o.hashBalanceFactor,
    });
    this.pool = new ConnectionPool(o.poolMaxConn, o.poolPurgeDelay);
  }
}
