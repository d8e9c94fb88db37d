/** Smooth weighted round-robin: picks spread evenly in proportion to weights, which may change live (slowstart). */
import { noParams } from "./_args.ts";
import { Scope } from "./_scope.ts";
import type { Balancer, BalancerFactory, LbServer, PickContext } from "./types.ts";

/**
 * nginx's smooth weighted round-robin over `effectiveWeight`: each pick adds every candidate's
 * weight to its score, takes the highest (the first declared on a tie) and subtracts the total
 * from it, so weights 3:1 give a a b a, not a a a b, and every W picks (W the total) give each
 * server exactly its weight's share. Weights are read at each pick, so a change (`set weight`, a
 * server warming up) takes effect at once: a pick adds the total and takes it back, leaving the
 * sum of the scores as it was whatever the weights, so a change steers the next picks without a
 * burst. A server out of service (down, full, weight 0) has its score cleared, so it comes back
 * neutral rather than owed or owing picks.
 * HAProxy's roundrobin (a weighted tree, lb_fwrr.c) gives the same shares per W picks in another
 * order; see tests/e2e/balance_diff_test.ts.
 */
export class RoundRobin<S extends LbServer> implements Balancer<S> {
  #servers: readonly S[];
  #score: Float64Array;
  #scope = new Scope();

  constructor(servers: readonly S[]) {
    this.#servers = servers;
    this.#score = new Float64Array(servers.length);
  }

  pick(ctx?: PickContext): S | null {
    const servers = this.#servers, score = this.#score;
    if (!this.#scope.reset(servers, ctx)) return null;
    let total = 0, best = -1, bestScore = -Infinity;
    for (let i = 0; i < servers.length; i++) {
      const s = servers[i]!;
      if (!this.#scope.has(s)) {
        if (!s.usable || s.weight <= 0) score[i] = 0;
        continue;
      }
      const w = s.effectiveWeight;
      const v = score[i]! + w;
      score[i] = v;
      total += w;
      if (v > bestScore) {
        bestScore = v;
        best = i;
      }
    }
    score[best] = bestScore - total;
    return servers[best]!;
  }
}

export const roundrobin: BalancerFactory = {
  needs: "nothing",
  description: "smooth weighted round-robin; weights may change at run time (slowstart applies)",
  syntax: "roundrobin",
  parse: noParams("roundrobin"),
  create: (servers) => new RoundRobin(servers),
};
