/** first: the server of lowest id with a free connection slot, so the fewest servers are busy. */
import { noParams } from "./_args.ts";
import { Scope } from "./_scope.ts";
import type { Balancer, BalancerFactory, LbServer, PickContext } from "./types.ts";

/**
 * HAProxy's `first`: servers are filled in id order up to their maxconn (0 = unlimited, so the
 * first usable server takes everything); weights are ignored except that 0 means never. Equal ids
 * go by position.
 */
class First<S extends LbServer> implements Balancer<S> {
  #servers: readonly S[];
  #scope = new Scope();

  constructor(servers: readonly S[]) {
    this.#servers = servers;
  }

  pick(ctx?: PickContext): S | null {
    if (!this.#scope.reset(this.#servers, ctx)) return null;
    let best: S | null = null;
    for (const s of this.#servers) {
      if (!this.#scope.has(s) || (s.maxconn > 0 && s.cur >= s.maxconn)) continue;
      if (best === null || s.id < best.id) best = s;
    }
    return best;
  }
}

export const first: BalancerFactory = {
  needs: "nothing",
  description: "lowest server id with a free slot below its maxconn; weights ignored",
  syntax: "first",
  parse: noParams("first"),
  create: (servers) => new First(servers),
};
