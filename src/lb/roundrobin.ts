/** Smooth weighted round-robin: picks spread evenly in proportion to weights (weights may change live). */
import { noParams } from "./_args.ts";
import {
  type Balancer,
  type BalancerFactory,
  candidates,
  type LbServer,
  type PickContext,
} from "./types.ts";

/**
 * nginx's smooth weighted round-robin: each pick adds every candidate's weight to its score, takes
 * the highest and subtracts the total from it, so weights 3:1 give a a b a, not a a a b.
 * `weightOf` lets `static-rr` use the weights the servers started with.
 */
export class RoundRobin<S extends LbServer> implements Balancer<S> {
  #servers: readonly S[];
  #current = new Map<S, number>();
  #weightOf: (s: S) => number;

  constructor(servers: readonly S[], weightOf: (s: S) => number = (s) => s.weight) {
    this.#servers = servers;
    this.#weightOf = weightOf;
  }

  pick(ctx?: PickContext): S | null {
    const list = candidates(this.#servers, ctx);
    if (list.length === 0) return null;
    if (list.length === 1) return list[0]!;
    let total = 0, best: S | null = null, bestScore = -Infinity;
    for (const s of list) {
      const w = this.#weightOf(s);
      const score = (this.#current.get(s) ?? 0) + w;
      this.#current.set(s, score);
      total += w;
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
  syntax: "roundrobin",
  parse: noParams("roundrobin"),
  create: (servers) => new RoundRobin(servers),
};
