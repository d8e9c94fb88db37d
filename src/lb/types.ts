/** The balancer interface: every algorithm is one file implementing it, registered in registry.ts. */

/** What a balancer sees of a server. */
export interface LbServer {
  readonly name: string;
  /** Current weight, 0 to 256; a server of weight 0 is never picked. */
  readonly weight: number;
  /** False while the server is down, disabled or in maintenance. */
  readonly usable: boolean;
  readonly backup: boolean;
}

/** What a pick may look at; algorithms take only what they declare in `needs`. */
export interface PickContext {
  /** Servers already tried for this connection (skipped when another is usable). */
  readonly exclude?: ReadonlySet<LbServer>;
}

export interface Balancer<S extends LbServer = LbServer> {
  /** The next server for a connection, or null when none is usable. */
  pick(ctx?: PickContext): S | null;
}

/** What an algorithm needs from a connection, so the config check can refuse e.g. `uri` in TCP mode. */
export type BalancerNeeds = "nothing" | "address" | "http";

export interface BalancerFactory {
  readonly needs: BalancerNeeds;
  /** One line for `tsproxy schema` and the README. */
  readonly description: string;
  create<S extends LbServer>(servers: readonly S[]): Balancer<S>;
}

/** The servers a pick chooses among: usable active ones, else usable backups (HAProxy's rule). */
export function candidates<S extends LbServer>(servers: readonly S[], ctx?: PickContext): S[] {
  let active = servers.filter((s) => s.usable && s.weight > 0 && !s.backup);
  if (active.length === 0) active = servers.filter((s) => s.usable && s.weight > 0 && s.backup);
  const ex = ctx?.exclude;
  if (ex && ex.size > 0) {
    const fresh = active.filter((s) => !ex.has(s));
    if (fresh.length > 0) return fresh;
  }
  return active;
}
