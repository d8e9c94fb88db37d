/** random(N): N weighted random draws, the least loaded of them wins (power of N choices; default 2). */
import { fail, wholeNumber } from "./_args.ts";
import { Scope } from "./_scope.ts";
import type { Balancer, BalancerFactory, LbServer, ParamsResult, PickContext } from "./types.ts";

/** How many servers are drawn per pick. */
export interface RandomParams {
  readonly draws: number;
}

/**
 * HAProxy's get_server_rnd: each draw takes a server with probability in proportion to its
 * effective weight (slowstart applies); of two draws, the one with the lower `cur / weight` is
 * kept (the earlier on a tie).
 */
class RandomDraws<S extends LbServer> implements Balancer<S> {
  #servers: readonly S[];
  #draws: number;
  #random: () => number;
  #scope = new Scope();

  constructor(servers: readonly S[], draws: number, random: () => number) {
    this.#servers = servers;
    this.#draws = draws;
    this.#random = random;
  }

  pick(ctx?: PickContext): S | null {
    if (!this.#scope.reset(this.#servers, ctx)) return null;
    let total = 0;
    for (const s of this.#servers) if (this.#scope.has(s)) total += s.effectiveWeight;
    let best: S | null = null;
    for (let d = 0; d < this.#draws; d++) {
      const s = this.#draw(total);
      if (best === null || s.cur * best.effectiveWeight < best.cur * s.effectiveWeight) best = s;
    }
    return best;
  }

  #draw(total: number): S {
    // Not rounded down: weights may be fractions while a server warms up (with whole weights,
    // x < w and floor(x) < w agree).
    let at = this.#random() * total;
    let last: S | null = null;
    for (const s of this.#servers) {
      if (!this.#scope.has(s)) continue;
      const w = s.effectiveWeight;
      if (at < w) return s;
      at -= w;
      last = s;
    }
    return last!;
  }
}

function parse(arg: string | undefined, words: readonly string[]): ParamsResult<RandomParams> {
  if (words.length > 0) return fail(`random takes no option, got "${words[0]}"`);
  if (arg === undefined) return { ok: true, params: { draws: 2 } };
  const draws = wholeNumber(arg);
  if (draws === null || draws < 1 || draws > 100) {
    return fail(`random: the number of draws must be a whole number from 1 to 100, got "${arg}"`);
  }
  return { ok: true, params: { draws } };
}

export const random: BalancerFactory<RandomParams> = {
  needs: "nothing",
  description: "weighted random draws, the least loaded of N wins: random(N), default 2",
  syntax: "random[(N)]",
  parse,
  create: (servers, params, options) =>
    new RandomDraws(servers, params?.draws ?? 2, options?.random ?? Math.random),
};
