/** A session's one timer: a fixed deadline (http-request, keep-alive) or client/server inactivity, lazily re-armed. */
import { Deadlines, type TimeoutKind } from "./deadlines.ts";
import { fresh } from "../../runtime/clock.ts";
import { CoarseTimer } from "../../runtime/coarse_timer.ts";

export type { TimeoutKind, Timer } from "./deadlines.ts";

/**
 * Deadlines waited for with one coarse timer (the process's 10-ms slots, no runtime timer per
 * session); a timer that fires early (a side was touched) re-arms.
 */
export class SessionTimer extends Deadlines {
  /** One callback for every timer: the timer passes its SessionTimer (no closure per arm). */
  static readonly #FIRE = (t: SessionTimer) => t.#fire();

  #onExpire: (kind: TimeoutKind) => void;
  readonly #timer: CoarseTimer<SessionTimer>;
  #armedFor = Infinity;

  constructor(onExpire: (kind: TimeoutKind) => void) {
    super();
    this.#onExpire = onExpire;
    this.#timer = new CoarseTimer<SessionTimer>(SessionTimer.#FIRE, this);
  }

  /** Keeps one timer; an existing timer that fires early simply re-arms (see #fire). */
  protected arm(next: number): void {
    if (next === Infinity) return;
    if (this.#timer.armed && this.#armedFor <= next) return;
    this.#armedFor = next;
    this.#timer.set(next);
  }

  protected disarm(): void {
    this.#timer.clear();
    this.#armedFor = Infinity;
  }

  #fire(): void {
    this.#armedFor = Infinity;
    const kind = this.expired(fresh());
    if (kind !== null) return this.#onExpire(kind);
    this.arm(this.next());
  }
}
