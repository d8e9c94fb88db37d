/** source: the client's IP address hashed to a server, so a client keeps its server while the servers stay the same. */
import { noParams } from "./_args.ts";
import { KeyedBalancer } from "./_keyed.ts";
import { sourceKey } from "./_keys.ts";
import type { BalancerFactory } from "./types.ts";

export const source: BalancerFactory = {
  needs: "address",
  hashed: true,
  description: "hash of the client IP address; round-robin without one",
  syntax: "source",
  parse: noParams("source"),
  // The address is hashed as text by fnv1a, as a number with HAProxy's functions (get_server_sh).
  create: (servers, _params, options) => new KeyedBalancer(servers, sourceKey, options, "address"),
};
