/** static-rr: HAProxy's map round-robin by the weights servers started with; a later weight counts only as 0 or not 0. */
import { noParams } from "./_args.ts";
import { ServerMap } from "./_map.ts";
import type { Balancer, BalancerFactory, LbServer, PickContext } from "./types.ts";

/**
 * HAProxy's static-rr: a walk over the server map (`ServerMap`), one slot per pick, skipping
 * servers at their maxconn, so the order is HAProxy's own (weights 1, 2, 3: a c b c b c). Static:
 * slowstart and run-time weights (other than 0) have no effect.
 */
class StaticRoundRobin<S extends LbServer> implements Balancer<S> {
  #map: ServerMap<S>;

  constructor(servers: readonly S[]) {
    this.#map = new ServerMap(servers);
  }

  pick(ctx?: PickContext): S | null {
    return this.#map.next(ctx);
  }
}

export const staticRr: BalancerFactory = {
  needs: "nothing",
  description:
    "weighted round-robin by the configured weights, in HAProxy's order; run-time weight changes " +
    "have no effect",
  syntax: "static-rr",
  parse: noParams("static-rr"),
  create: (servers) => new StaticRoundRobin(servers),
};
