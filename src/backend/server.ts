/** One server of a backend: its address, weight, state and counters, shared by balancers and stats. */
import type { LbServer } from "../lb/types.ts";

export type ServerState = "UP" | "DOWN" | "MAINT" | "DRAIN";

export interface ServerOptions {
  name: string;
  /** HAProxy's server id; the backend gives the 1-based position when the config sets none. */
  id?: number | undefined;
  host: string;
  port: number;
  weight: number;
  maxconn?: number | undefined;
  backup?: boolean | undefined;
  disabled?: boolean | undefined;
}

export class Server implements LbServer {
  readonly name: string;
  /** 0 until numbered: balancers then go by position (`first` fills servers in id order). */
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly backup: boolean;
  readonly maxconn: number;
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

  constructor(o: ServerOptions) {
    this.name = o.name;
    this.id = o.id ?? 0;
    this.host = o.host;
    this.port = o.port;
    this.weight = o.weight;
    this.backup = o.backup ?? false;
    this.maxconn = o.maxconn ?? 0;
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
