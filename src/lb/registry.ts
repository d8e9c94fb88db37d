/** The balancing algorithms by config name; the config's `balance` enum is derived from this map. */
import { roundrobin } from "./roundrobin.ts";
import type { BalancerFactory } from "./types.ts";

export const balancers = {
  roundrobin,
} as const satisfies Record<string, BalancerFactory>;

export type BalanceName = keyof typeof balancers;

export const balanceNames = Object.keys(balancers) as [BalanceName, ...BalanceName[]];
