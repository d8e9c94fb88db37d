/** HAProxy's server map (lb_map.c): the static table behind static-rr and map-based hashing. */
import type { LbServer, PickContext } from "./types.ts";

/**
 * One slot per unit of weight over the servers in use, interleaved by HAProxy's recalc_server_map:
 * weights are the initial ones divided by their greatest common divisor (a static algorithm sees a
 * later weight only as 0 or not 0, so slowstart does not apply), and slots go, one at a time, to
 * the server whose accumulated weight is furthest ahead (in whole multiples of the total), the
 * first declared on a tie. Weights 1, 2, 3 give a c b c b c. In use: UP servers of non-zero
 * weight, active ones, else every backup (HAProxy with `option allbackups`). The table is rebuilt
 * on the first pick after that set changed, and only then (allocation happens there alone).
 */
export class ServerMap<S extends LbServer> {
  #servers: readonly S[];
  /** Each server's share of the table: initial weight / gcd (0 for a server of initial weight 0). */
  #units: Int32Array;
  /** Which servers the table was built over (1) and the scores of the build. */
  #member: Uint8Array;
  #score: Int32Array;
  #slots: S[] = [];
  #built = false;
  /** HAProxy's rr_idx: the slot where the next round-robin pick starts. */
  #rr = 0;

  constructor(servers: readonly S[]) {
    this.#servers = servers;
    let gcd = 0;
    for (const s of servers) gcd = greatestCommonDivisor(gcd, Math.max(0, s.weight));
    this.#units = Int32Array.from(servers, (s) => (gcd === 0 ? 0 : Math.max(0, s.weight) / gcd));
    this.#member = new Uint8Array(servers.length);
    this.#score = new Int32Array(servers.length);
  }

  /** Slots in the table now (its total weight), after bringing it up to date. */
  get size(): number {
    return this.#refresh();
  }

  /** The server of slot `hash % size` (HAProxy's map_get_server_hash); see `#walk`. */
  lookup(hash: number, ctx?: PickContext): S | null {
    const n = this.#refresh();
    return n === 0 ? null : this.#walk(hash % n, ctx, false);
  }

  /** The next server in table order (HAProxy's map_get_server_rr); see `#walk`. */
  next(ctx?: PickContext): S | null {
    const n = this.#refresh();
    if (n === 0) return null;
    if (this.#rr >= n) this.#rr = 0;
    return this.#walk(this.#rr, ctx, true);
  }

  /**
   * The server of slot `start` or of the first slot after it whose server is usable (not at its
   * maxconn) and not in `ctx.exclude`; an excluded one only when no other is usable.
   */
  #walk(start: number, ctx: PickContext | undefined, advance: boolean): S | null {
    const slots = this.#slots, n = slots.length, ex = ctx?.exclude;
    let avoided = -1;
    for (let i = 0; i < n; i++) {
      const at = (start + i) % n, s = slots[at]!;
      if (!s.usable) continue;
      if (ex !== undefined && ex.has(s)) {
        if (avoided < 0) avoided = at;
        continue;
      }
      if (advance) this.#rr = at + 1;
      return s;
    }
    if (avoided < 0) return null;
    if (advance) this.#rr = avoided + 1;
    return slots[avoided]!;
  }

  /** Rebuilds the table when the servers in use changed; returns its size. */
  #refresh(): number {
    const servers = this.#servers, units = this.#units, member = this.#member;
    let active = false;
    for (let i = 0; i < servers.length; i++) {
      const s = servers[i]!;
      if (!s.backup && s.up && s.weight > 0 && units[i]! > 0) {
        active = true;
        break;
      }
    }
    let changed = !this.#built;
    for (let i = 0; i < servers.length; i++) {
      const s = servers[i]!;
      const m = s.backup !== active && s.up && s.weight > 0 && units[i]! > 0 ? 1 : 0;
      if (m !== member[i]) {
        member[i] = m;
        changed = true;
      }
    }
    if (changed) this.#build();
    return this.#slots.length;
  }

  /** HAProxy's recalc_server_map over the member servers. */
  #build(): void {
    const servers = this.#servers, units = this.#units, member = this.#member;
    const score = this.#score;
    let total = 0;
    for (let i = 0; i < servers.length; i++) {
      score[i] = 0;
      if (member[i]) total += units[i]!;
    }
    const slots: S[] = [];
    for (let o = 0; o < total; o++) {
      let best = -1, max = 0;
      for (let i = 0; i < servers.length; i++) {
        if (!member[i]) continue;
        if (total === 1) {
          best = i;
          break;
        }
        score[i] = score[i]! + units[i]!;
        const v = Math.trunc((score[i]! + total) / total);
        if (best < 0 || v > max) {
          max = v;
          best = i;
        }
      }
      slots.push(servers[best]!);
      score[best] = score[best]! - total;
    }
    this.#slots = slots;
    this.#built = true;
  }
}

function greatestCommonDivisor(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
