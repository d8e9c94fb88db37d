/** The process-wide admission of new sessions: global maxconn and global rate-limit sessions, both changeable at run time. */
import type { Runtime } from "../../runtime/types.ts";
import type { ProcessCounters } from "../../stats/counters.ts";
import type { Admission } from "./frontend_options.ts";
import { FreqCounter } from "./freq.ts";

/**
 * HAProxy's global `maxconn` and `rate-limit sessions`: a session over either waits in its
 * frontend's line (the frontend pauses its listeners); a slot given back, or the rate dropping
 * below the limit (one timer), lets waiting connections of every frontend in. `set maxconn global`
 * and `set rate-limit sessions global` change the limits of the running process.
 */
export class ProcessAdmission implements Admission {
  readonly runtime: Runtime;
  readonly counters: ProcessCounters;
  /** Most sessions open at once in the whole process. */
  maxconn: number;
  /** Most new sessions per second in the whole process; 0: no limit. */
  rateLimitSessions: number;
  #cur = 0;
  readonly #rate = new FreqCounter();
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #admitAll: () => void;

  constructor(
    runtime: Runtime,
    counters: ProcessCounters,
    limits: { maxconn: number; rateLimitSessions: number },
    admitAll: () => void,
  ) {
    this.runtime = runtime;
    this.counters = counters;
    this.maxconn = limits.maxconn;
    this.rateLimitSessions = limits.rateLimitSessions;
    this.#admitAll = admitAll;
  }

  get cur(): number {
    return this.#cur;
  }

  take(): boolean {
    if (this.#cur >= this.maxconn) return false;
    if (this.rateLimitSessions > 0) {
      const wait = this.#rate.msUntilBelow(this.rateLimitSessions);
      if (wait > 0) {
        this.#timer ??= setTimeout(() => {
          this.#timer = undefined;
          this.#admitAll();
        }, wait);
        return false;
      }
      this.#rate.add();
    }
    this.#cur++;
    this.counters.connTot++;
    return true;
  }

  give(): void {
    this.#cur--;
    this.#admitAll();
  }

  /** The limits changed: let in what they now allow. */
  changed(): void {
    this.#admitAll();
  }

  /** Stops the rate timer (shutdown). */
  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
