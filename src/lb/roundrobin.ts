/** Smooth weighted round-robin: picks spread evenly in proportion to weights (weights may change live). */
import {
  type Balancer,
  type BalancerFactory,
  candidates,
  type LbServer,
  type PickContext,
} from "./types.ts";

class RoundRobin<S extends LbServer> implements Balancer<S> {
  #servers: readonly S[];
  #current = new Map<S, number>();

  constructor(servers: readonly S[]) {
    this.#servers = servers;
  }

  pick(ctx?: PickContext): S | null {
    const list = candidates(this.#servers, ctx);
    if (list.length === 0) return null;
    if (list.length === 1) return list[0]!;
    let total = 0, best: S | null = null, bestScore = -Infinity;
    for (const s of list) {
      const score = (this.#current.get(s) ?? 0) + s.weight;
      this.#current.set(s, score);
      total += s.weight;
      if (score > bestScore) {
        bestScore = score;
        best = s;
      }
    }
    this.#current.set(best!, bestScore - total);
    return best;
  }
}

export const roundrobin: BalancerFactory = {
  needs: "nothing",
  description: "smooth weighted round-robin; weights may change at run time",
  create: (servers) => new RoundRobin(servers),
};
