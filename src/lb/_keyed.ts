/** The engine of the hash-based balancers: a key from each pick, hashed to a server map-based or on a ring. */
import { type Hasher, hasherFor } from "./_hash.ts";
import { ServerMap } from "./_map.ts";
import { HashRing } from "./_ring.ts";
import { Scope } from "./_scope.ts";
import { RoundRobin } from "./roundrobin.ts";
import type { Balancer, BalancerOptions, LbServer, PickContext } from "./types.ts";

/** Gives the text to hash for a pick, or undefined when the pick lacks it (then: round-robin). */
export type KeyOf = (ctx: PickContext | undefined) => string | undefined;

/** What a key is: any text, or a client address (`balance source`, hashed HAProxy's way). */
export type KeyKind = "text" | "address";

/**
 * Hashes `keyOf(ctx)` to a server among the usable ones. map-based (HAProxy's default): slot
 * `hash % total weight` of HAProxy's server map (`ServerMap`: static weights, so any change of the
 * servers in use remaps most keys; a full or excluded server passes the key to the next slot's);
 * with one of HAProxy's hash functions the server is the one HAProxy picks. consistent: a
 * `HashRing` over the effective weights (slowstart applies), so a change moves only the keys of the
 * server that changed; with a balance factor, a server already holding more than its share (factor
 * % of the average load per weight) passes the key on along the ring. Without a key: the map's
 * round-robin (HAProxy's map_get_server_rr), or smooth weighted round-robin with consistent.
 */
export class KeyedBalancer<S extends LbServer> implements Balancer<S> {
  #servers: readonly S[];
  #keyOf: KeyOf;
  #hash: (key: string) => number;
  #map: ServerMap<S> | null;
  #ring: HashRing<S> | null;
  #factor: number;
  #fallback: RoundRobin<S> | null;
  #scope = new Scope();
  /** Per pick, for the balance factor: load and weight of the servers in scope, and each one's running weight. */
  #served = 0;
  #totalWeight = 0;
  #cumulative: Map<S, number> = new Map();
  #inScope = (s: S): boolean => this.#scope.has(s);
  #eligible = (s: S): boolean => this.#scope.has(s) && this.#underLoad(s);

  constructor(
    servers: readonly S[],
    keyOf: KeyOf,
    options?: BalancerOptions,
    kind: KeyKind = "text",
  ) {
    this.#servers = servers;
    this.#keyOf = keyOf;
    const hasher: Hasher = hasherFor(options?.hashFunction);
    this.#hash = kind === "address" ? hasher.address : hasher.text;
    const consistent = options?.hashType === "consistent";
    this.#ring = consistent ? new HashRing(servers) : null;
    this.#map = consistent ? null : new ServerMap(servers);
    this.#factor = consistent ? options?.hashBalanceFactor ?? 0 : 0;
    this.#fallback = consistent ? new RoundRobin(servers) : null;
  }

  pick(ctx?: PickContext): S | null {
    const key = this.#keyOf(ctx);
    if (this.#map !== null) {
      return key === undefined ? this.#map.next(ctx) : this.#map.lookup(this.#hash(key), ctx);
    }
    if (key === undefined) return this.#fallback!.pick(ctx);
    if (this.#ring === null || !this.#scope.reset(this.#servers, ctx)) return null;
    const hash = this.#hash(key);
    if (this.#factor === 0) return this.#ring.lookup(hash, this.#inScope, this.#inScope);
    this.#measure();
    return this.#ring.lookup(hash, this.#eligible, this.#inScope);
  }

  #measure(): void {
    this.#served = this.#totalWeight = 0;
    for (const s of this.#servers) {
      if (!this.#scope.has(s)) continue;
      this.#cumulative.set(s, this.#totalWeight);
      this.#served += s.cur;
      this.#totalWeight += s.effectiveWeight;
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
    const w = s.effectiveWeight;
    const slots = w * perWeight +
      Math.floor(((before + w) * rest) / total) - Math.floor((before * rest) / total);
    return s.cur < Math.max(1, slots);
  }
}
