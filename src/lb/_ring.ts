/** The consistent-hash ring: virtual points per server in proportion to its effective weight, rebuilt when one changes. */
import { hashKey } from "./_hash.ts";
import type { LbServer } from "./types.ts";

/**
 * Points per unit of weight. HAProxy puts 16 (a server of weight 1 then gets its share of keys
 * within ±27% rms); 100 brings that to about ±12%, at 8 bytes per point: 800 bytes for weight 1,
 * 200 KiB for weight 256. Fixed, so a ring is the same after a restart or a config change.
 */
export const POINTS_PER_WEIGHT = 100;

/** Most servers one ring holds (the owner's index shares a float with the point). */
const MAX_SERVERS = 65536;

/**
 * Every server of weight > 0 owns `weight × POINTS_PER_WEIGHT` points on a ring of 2^32 positions,
 * placed by hashing its name with the point's number: the same for the same servers after a
 * restart, and independent of the other servers, so adding or removing one of N servers moves
 * about 1/N of the keys (only those that land on or leave its points). Points are keyed by name,
 * not position, so reordering servers in the config moves no key. A key belongs to the first point
 * at or after its hash; a server that may not take it (down, excluded, overloaded) passes it on to
 * the next point's server. Down servers keep their points; only a change of effective weight
 * rebuilds the ring: a server warming up (slowstart) owns the first `effectiveWeight ×
 * POINTS_PER_WEIGHT` of its points, so keys come back to it gradually (16 steps, 16 rebuilds).
 */
export class HashRing<S extends LbServer> {
  #servers: readonly S[];
  #weights: number[] = [];
  /** Sorted `point × MAX_SERVERS + owner index`: one typed array, sorted numerically. */
  #ring = new Float64Array(0);

  constructor(servers: readonly S[]) {
    if (servers.length > MAX_SERVERS) {
      throw new RangeError(`HashRing: at most ${MAX_SERVERS} servers, got ${servers.length}`);
    }
    this.#servers = servers;
    this.#build();
  }

  /** Points on the ring now (for tests and stats). */
  get size(): number {
    return this.#ring.length;
  }

  /**
   * The server owning `hash`: the owner of the first point at or after it (wrapping around) that
   * `accept`s, else the first owner `fallback` accepts, else null.
   */
  lookup(hash: number, accept: (s: S) => boolean, fallback: (s: S) => boolean): S | null {
    if (this.#stale()) this.#build();
    const ring = this.#ring, n = ring.length;
    if (n === 0) return null;
    // First entry whose point is >= hash: entries of that point start at hash × MAX_SERVERS.
    const target = hash * MAX_SERVERS;
    let lo = 0, hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ring[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    let spare: S | null = null;
    for (let i = 0; i < n; i++) {
      const s = this.#servers[ring[(lo + i) % n]! % MAX_SERVERS]!;
      if (accept(s)) return s;
      if (spare === null && fallback(s)) spare = s;
    }
    return spare;
  }

  #stale(): boolean {
    const servers = this.#servers;
    for (let i = 0; i < servers.length; i++) {
      if (servers[i]!.effectiveWeight !== this.#weights[i]) return true;
    }
    return false;
  }

  #build(): void {
    const servers = this.#servers;
    this.#weights = servers.map((s) => s.effectiveWeight);
    const pointsOf = (w: number) => Math.round(Math.max(0, w) * POINTS_PER_WEIGHT);
    let total = 0;
    for (const w of this.#weights) total += pointsOf(w);
    const ring = new Float64Array(total);
    let k = 0;
    servers.forEach((s, index) => {
      const points = pointsOf(this.#weights[index]!);
      for (let p = 0; p < points; p++) ring[k++] = hashKey(`${s.name}#${p}`) * MAX_SERVERS + index;
    });
    this.#ring = ring.sort();
  }
}
