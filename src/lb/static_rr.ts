/** static-rr: round-robin by the weights servers started with; a weight changed later counts only as 0 or not 0. */
import { noParams } from "./_args.ts";
import { RoundRobin } from "./roundrobin.ts";
import type { BalancerFactory, LbServer } from "./types.ts";

function create<S extends LbServer>(servers: readonly S[]): RoundRobin<S> {
  // HAProxy's static algorithms accept only 0% or 100% of the initial weight at run time.
  const initial = new Map(servers.map((s) => [s, s.weight]));
  return new RoundRobin(servers, (s) => (s.weight > 0 ? initial.get(s) ?? s.weight : 0));
}

export const staticRr: BalancerFactory = {
  needs: "nothing",
  description:
    "weighted round-robin by the configured weights; run-time weight changes have no effect",
  syntax: "static-rr",
  parse: noParams("static-rr"),
  create,
};
