/** The balancing algorithms by config name; the config's `balance` syntax and the spec type derive from this map. */
import { first } from "./first.ts";
import { hash } from "./hash.ts";
import { hdr } from "./hdr.ts";
import { leastconn } from "./leastconn.ts";
import { random } from "./random.ts";
import { roundrobin } from "./roundrobin.ts";
import { source } from "./source.ts";
import { staticRr } from "./static_rr.ts";
import type {
  Balancer,
  BalancerFactory,
  BalancerNeeds,
  BalancerOptions,
  LbServer,
  ParamsResult,
} from "./types.ts";
import { uri } from "./uri.ts";
import { urlParam } from "./url_param.ts";

export { HASH_FUNCTIONS, type HashFunction } from "./types.ts";

const table = {
  roundrobin,
  "static-rr": staticRr,
  leastconn,
  first,
  source,
  uri,
  url_param: urlParam,
  hdr,
  random,
  hash,
};

export type BalanceName = keyof typeof table;

/** An algorithm with its parameter type erased: `create(servers)` runs it with its defaults. */
export type AnyBalancerFactory = Omit<BalancerFactory<never>, "parse"> & {
  parse(arg: string | undefined, words: readonly string[]): ParamsResult<unknown>;
};

/** Every algorithm by config name. */
export const balancers: Readonly<Record<BalanceName, AnyBalancerFactory>> = table;

export const balanceNames = Object.keys(table) as [BalanceName, ...BalanceName[]];

type ParamsOf<F> = F extends BalancerFactory<infer P> ? P : never;

/**
 * A parsed `balance` line: the algorithm's name and its parameters, e.g. `hdr(host)
 * use_domain_only` is `{ name: "hdr", header: "host", useDomainOnly: true }`.
 */
export type BalanceSpec = {
  [K in BalanceName]: { readonly name: K } & ParamsOf<(typeof table)[K]>;
}[BalanceName];

/** The factory of `spec`, typed to take it: TypeScript cannot relate a union key to its entry. */
function factoryOf(spec: BalanceSpec): BalancerFactory<BalanceSpec> {
  return table[spec.name] as unknown as BalancerFactory<BalanceSpec>;
}

/** What `spec` needs from a connection: "http" ones are refused on a TCP backend. */
export function needsOf(spec: BalanceSpec): BalancerNeeds {
  const needs = factoryOf(spec).needs;
  return typeof needs === "function" ? needs(spec) : needs;
}

/** True when `hashType` and `hashBalanceFactor` apply to `spec` (source, uri, url_param, hdr, hash). */
export function isHashed(spec: BalanceSpec): boolean {
  return factoryOf(spec).hashed === true;
}

/**
 * A balancer for `servers` as `spec` says (from `parseBalance`), with the backend's hash settings.
 *
 * @example
 * ```ts
 * const parsed = parseBalance("uri depth 2");
 * if (parsed.ok) {
 *   const balancer = createBalancer(parsed.spec, servers, { hashType: "consistent" });
 *   balancer.pick({ http });
 * }
 * ```
 */
export function createBalancer<S extends LbServer>(
  spec: BalanceSpec,
  servers: readonly S[],
  options?: BalancerOptions,
): Balancer<S> {
  return factoryOf(spec).create(servers, spec, options);
}
