/** A session's one timer: a fixed deadline (http-request, keep-alive) or client/server inactivity, lazily re-armed. */
import { Deadlines, type TimeoutKind } from "./deadlines.ts";
import { fresh, now } from "../../runtime/clock.ts";

export type { TimeoutKind, Timer } from "./deadlines.ts";

/** Deadlines waited for with one runtime timer; a timer that fires early (a side was touched) re-arms. */
export class SessionTimer extends Deadlines {
  /** One callback for every timer: the timer passes its SessionTimer (no closure per arm). */
  static readonly #FIRE = (t: SessionTimer) => t.#fire();

  #onExpire: (kind: TimeoutKind) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armedFor = Infinity;

  constructor(onExpire: (kind: TimeoutKind) => void) {
    super();
    this.#onExpire = onExpire;
  }

  /** Keeps one timer; an existing timer that fires early simply re-arms (see #fire). */
  protected arm(next: number): void {
    if (next === Infinity) return;
    if (this.#timer !== undefined && this.#armedFor <= next) return;
    clearTimeout(this.#timer);
    this.#armedFor = next;
    this.#timer = setTimeout(SessionTimer.#FIRE, Math.max(1, next - now()), this);
  }

  protected disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedFor = Infinity;
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedFor = Infinity;
    const kind = this.expired(fresh());
    if (kind !== null) return this.#onExpire(kind);
    this.arm(this.next());
  }
}
