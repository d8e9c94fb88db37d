/** An event rate over a sliding second, HAProxy's freq_ctr: this period's count plus the last one's, prorated. */
import { now as clock } from "../../runtime/clock.ts";

export class FreqCounter {
  readonly #period: number;
  #start = 0;
  #curr = 0;
  #prev = 0;

  constructor(periodMs = 1000) {
    this.#period = periodMs;
  }

  #roll(now: number): void {
    const elapsed = now - this.#start;
    if (elapsed < this.#period) return;
    // one period later the current count becomes the previous one; more than one: both are old
    this.#prev = elapsed < 2 * this.#period ? this.#curr : 0;
    this.#curr = 0;
    this.#start = now - (elapsed % this.#period);
  }

  /** Counts one event at `now`. */
  add(now = clock()): void {
    this.#roll(now);
    this.#curr++;
  }

  /** Events over the last period: the current count plus the part of the previous one still in the window. */
  rate(now = clock()): number {
    this.#roll(now);
    const left = 1 - (now - this.#start) / this.#period;
    return this.#curr + Math.floor(this.#prev * left);
  }

  /** Milliseconds until the rate drops below `limit` (0 if it already is), at least 1 otherwise. */
  msUntilBelow(limit: number, now = clock()): number {
    if (this.rate(now) < limit) return 0;
    for (let t = 1; t <= 2 * this.#period; t = Math.ceil(t * 1.5)) {
      if (this.#peek(now + t) < limit) return t;
    }
    return 2 * this.#period;
  }

  /** The rate at a later `at`, without changing the counter. */
  #peek(at: number): number {
    const elapsed = at - this.#start;
    if (elapsed >= 2 * this.#period) return 0;
    if (elapsed >= this.#period) {
      const left = 1 - (elapsed - this.#period) / this.#period;
      return Math.floor(this.#curr * left);
    }
    return this.#curr + Math.floor(this.#prev * (1 - elapsed / this.#period));
  }
}
