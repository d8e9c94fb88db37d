/** leastconn: the server with the fewest connections for its weight; round-robin among equals. */
import { noParams } from "./_args.ts";
import { Scope } from "./_scope.ts";
import type { Balancer, BalancerFactory, LbServer, PickContext } from "./types.ts";

/**
 * HAProxy's fwlc key: an idle server has load 0, a busy one `(cur + 1) / weight`, the load it would
 * have with one more connection, so among servers equally loaded for their weight the heavier one
 * gets the next (queued connections would count in `cur`; there are none yet). The weight is the
 * effective one: a server warming up (slowstart) counts as more loaded.
 */
function lighter(s: LbServer, than: LbServer): boolean {
  const a = s.cur === 0 ? 0 : s.cur + 1, b = than.cur === 0 ? 0 : than.cur + 1;
  return a * than.effectiveWeight < b * s.effectiveWeight;
}

/**
 * The server of least load (see `lighter`); among servers of the same load the pick rotates,
 * starting after the last one picked, so idle servers share new connections evenly.
 */
class LeastConn<S extends LbServer> implements Balancer<S> {
  #servers: readonly S[];
  #scope = new Scope();
  #last = -1;

  constructor(servers: readonly S[]) {
    this.#servers = servers;
  }

  pick(ctx?: PickContext): S | null {
    const servers = this.#servers, n = servers.length;
    if (!this.#scope.reset(servers, ctx)) return null;
    let best = -1;
    for (let i = 1; i <= n; i++) {
      const at = (this.#last + i) % n;
      const s = servers[at]!;
      if (!this.#scope.has(s)) continue;
      const b = best < 0 ? null : servers[best]!;
      if (b === null || lighter(s, b)) best = at;
    }
    this.#last = best;
    return servers[best] ?? null;
  }
}

export const leastconn: BalancerFactory = {
  needs: "nothing",
  description:
    "fewest connections for the weight, round-robin among equals; for long sessions (slowstart applies)",
  syntax: "leastconn",
  parse: noParams("leastconn"),
  create: (servers) => new LeastConn(servers),
};
