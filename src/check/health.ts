/** HAProxy's rise/fall health counter for one checked server, and the check interval it implies. */

/** How many checks move a server, and how often it is checked in each state (milliseconds). */
export interface HealthParams {
  /** Consecutive successes that bring a DOWN server UP. */
  readonly rise: number;
  /** Consecutive failures that take a fully UP server DOWN. */
  readonly fall: number;
  /** Between checks of a fully UP server. */
  readonly inter: number;
  /** Between checks while the server is changing state (and before its first check). */
  readonly fastinter: number;
  /** Between checks of a fully DOWN server. */
  readonly downinter: number;
}

/** What one check result did to the server's state. */
export type Transition = "UP" | "DOWN" | null;

/**
 * HAProxy's `check->health` (src/check.c, set_server_check_status): 0 to rise-1 means DOWN, rise to
 * rise+fall-1 means UP. A success adds 1 and, once at rise, jumps to rise+fall-1 (fully UP); a
 * failure takes 1 and, once below rise, drops to 0 (fully DOWN). So from fully UP exactly `fall`
 * consecutive failures take the server DOWN, from fully DOWN exactly `rise` successes bring it UP.
 *
 * A server starts UP with health = rise (HAProxy's default `init-state up`): traffic flows at once,
 * and a first failed check takes it DOWN, since no check ever showed it healthy.
 *
 * @example
 * ```ts
 * const h = new Health({ rise: 2, fall: 3, inter: 2000, fastinter: 2000, downinter: 2000 });
 * h.record(true); // null: still UP, now fully (health 4)
 * h.record(false); h.record(false); // null, null
 * h.record(false); // "DOWN"
 * ```
 */
export class Health {
  readonly params: HealthParams;
  #health: number;
  #up = true;

  constructor(params: HealthParams) {
    if (!Number.isInteger(params.rise) || params.rise < 1) {
      throw new RangeError(`Health: rise must be a whole number of at least 1, got ${params.rise}`);
    }
    if (!Number.isInteger(params.fall) || params.fall < 1) {
      throw new RangeError(`Health: fall must be a whole number of at least 1, got ${params.fall}`);
    }
    this.params = params;
    this.#health = params.rise;
  }

  /** The counter, 0 to rise+fall-1. */
  get health(): number {
    return this.#health;
  }

  /** True while the server counts as UP. */
  get up(): boolean {
    return this.#up;
  }

  /** The highest health: UP with no failure since. */
  get #full(): number {
    return this.params.rise + this.params.fall - 1;
  }

  /**
   * Resumes from a counter kept across a reload (`up`: the server's verdict then): clamped so the
   * verdict stands under this checker's rise and fall, which may differ from the old ones.
   */
  restore(health: number, up: boolean): void {
    const { rise } = this.params;
    this.#up = up;
    this.#health = up ? Math.min(Math.max(health, rise), this.#full) : Math.min(health, rise - 1);
  }

  /** Counts one check result; returns the state change it caused, if any. */
  record(ok: boolean): Transition {
    const { rise } = this.params;
    if (ok) {
      if (this.#health < this.#full) {
        this.#health++;
        if (this.#health >= rise) this.#health = this.#full;
      }
      if (!this.#up && this.#health >= rise) {
        this.#up = true;
        return "UP";
      }
      return null;
    }
    if (this.#health > 0) {
      this.#health--;
      if (this.#health < rise) this.#health = 0;
    }
    if (this.#up && this.#health === 0) {
      this.#up = false;
      return "DOWN";
    }
    return null;
  }

  /**
   * observe's sudden-death: what follows is a pre-fatal failed check. From above rise+1 the health
   * drops to rise+1, so that failure leaves it at rise and one more takes the server DOWN.
   */
  suddenDeath(): void {
    if (this.#health > this.params.rise) this.#health = this.params.rise + 1;
  }

  /** observe's mark-down: the health drops to rise, so the failed check that follows is fatal. */
  markDown(): void {
    this.#health = this.params.rise;
  }

  /**
   * Milliseconds until the next check (HAProxy's srv_getinter): `inter` when fully UP, `downinter`
   * when fully DOWN, `fastinter` in between (going down, going up, or not checked yet). `fast`
   * (observe forced fastinter) makes a fully UP server use `fastinter` too.
   */
  interval(fast = false): number {
    if (this.#health === this.#full && !fast) return this.params.inter;
    if (!this.#up && this.#health === 0) return this.params.downinter;
    return this.params.fastinter;
  }
}
