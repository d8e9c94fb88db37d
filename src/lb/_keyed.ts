/** The engine of the hash-based balancers: a key from each pick, hashed to a server map-based or on a ring. */
import { hashKey } from "./_hash.ts";
import { HashRing } from "./_ring.ts";
import { Scope } from "./_scope.ts";
import { RoundRobin } from "./roundrobin.ts";
import type { Balancer, BalancerOptions, LbServer, PickContext } from "./types.ts";

/** Gives the text to hash for a pick, or undefined when the pick lacks it (then: round-robin). */
export type KeyOf = (ctx: PickContext | undefined) => string | undefined;

/**
 * Hashes `keyOf(ctx)` to a server among the usable ones (see `Scope`). map-based (HAProxy's
 * default): the hash modulo the total weight of those servers, so any change of that set remaps
 * most keys. consistent: a `HashRing`, so a change moves only the keys of the server that changed;
 * with a balance factor, a server already holding more than its share (factor % of the average
 * load per weight) passes the key on along the ring. Without a key: smooth weighted round-robin.
 */
export class KeyedBalancer<S extends LbServer> implements Balancer<S> {
  #servers: readonly S[];
  #keyOf: KeyOf;
  #ring: HashRing<S> | null;
  #factor: number;
  #fallback: RoundRobin<S>;
  #scope = new Scope();
  /** Per pick, for the balance factor: load and weight of the servers in scope, and each one's running weight. */
  #served = 0;
  #totalWeight = 0;
  #cumulative: Map<S, number> = new Map();
  #inScope = (s: S): boolean => this.#scope.has(s);
  #eligible = (s: S): boolean => this.#scope.has(s) && this.#underLoad(s);

  constructor(servers: readonly S[], keyOf: KeyOf, options?: BalancerOptions) {
    this.#servers = servers;
    this.#keyOf = keyOf;
    const consistent = options?.hashType === "consistent";
    this.#ring = consistent ? new HashRing(servers) : null;
    this.#factor = consistent ? options?.hashBalanceFactor ?? 0 : 0;
    this.#fallback = new RoundRobin(servers);
  }

  pick(ctx?: PickContext): S | null {
    const key = this.#keyOf(ctx);
    if (key === undefined) return this.#fallback.pick(ctx);
    if (!this.#scope.reset(this.#servers, ctx)) return null;
    const hash = hashKey(key);
    if (this.#ring === null) return this.#mapped(hash);
    if (this.#factor === 0) return this.#ring.lookup(hash, this.#inScope, this.#inScope);
    this.#measure();
    return this.#ring.lookup(hash, this.#eligible, this.#inScope);
  }

  /** HAProxy's map: slot `hash % total weight`, slots given to servers in order, weight each. */
  #mapped(hash: number): S | null {
    let total = 0;
    for (const s of this.#servers) if (this.#scope.has(s)) total += s.weight;
    let slot = hash % total;
    for (const s of this.#servers) {
      if (!this.#scope.has(s)) continue;
      if (slot < s.weight) return s;
      slot -= s.weight;
    }
    return null;
  }

  #measure(): void {
    this.#served = this.#totalWeight = 0;
    for (const s of this.#servers) {
      if (!this.#scope.has(s)) continue;
      this.#cumulative.set(s, this.#totalWeight);
      this.#served += s.cur;
      this.#totalWeight += s.weight;
    }
  }

  /**
   * HAProxy's `chash_server_is_eligible` (consistent hashing with bounded loads, Mirrokni et al.):
   * the connections in flight plus this one, times the factor, are shared out as slots in
   * proportion to weight; a server may take the key while it holds fewer than its slots (at least 1).
   */
  #underLoad(s: S): boolean {
    const total = this.#totalWeight;
    const slotsAll = Math.ceil(((this.#served + 1) * this.#factor) / 100);
    const perWeight = Math.floor(slotsAll / total), rest = slotsAll % total;
    const before = this.#cumulative.get(s) ?? 0;
    const slots = s.weight * perWeight +
      Math.floor(((before + s.weight) * rest) / total) - Math.floor((before * rest) / total);
    return s.cur < Math.max(1, slots);
  }
}
