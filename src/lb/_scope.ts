/** Which servers one pick may take (usable active ones, else usable backups: HAProxy's rule), without allocating. */
import type { LbServer, PickContext } from "./types.ts";

/**
 * The servers a pick may take: usable ones of weight > 0, active ones, else backups; servers in
 * `ctx.exclude` only when nothing else is left. One instance per balancer, reset at each pick.
 */
export class Scope {
  #any = false;
  #backup = false;
  #exclude: ReadonlySet<LbServer> | null = null;

  /** Works out the scope of a pick over `servers`; false when no server may be picked. */
  reset(servers: readonly LbServer[], ctx?: PickContext): boolean {
    this.#any = this.#backup = false;
    this.#exclude = null;
    let backups = false;
    for (const s of servers) {
      if (!s.usable || s.weight <= 0) continue;
      if (!s.backup) {
        this.#any = true;
        break;
      }
      backups = true;
    }
    if (!this.#any) {
      if (!backups) return false;
      this.#any = this.#backup = true;
    }
    const ex = ctx?.exclude;
    if (ex && ex.size > 0) {
      for (const s of servers) {
        if (this.has(s) && !ex.has(s)) {
          this.#exclude = ex;
          break;
        }
      }
    }
    return true;
  }

  /** True when the pick may take `s`. */
  has(s: LbServer): boolean {
    return this.#any && s.usable && s.weight > 0 && s.backup === this.#backup &&
      (this.#exclude === null || !this.#exclude.has(s));
  }
}
