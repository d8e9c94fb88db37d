/** Passive health checks (observe): errors in live traffic, in a row, count against a server. */
import type { ResponseFailureKind, ServerObserver } from "../backend/server_hooks.ts";

/** layer4: connects only; layer7 (HTTP backends): responses too. */
export type ObserveLayer = "layer4" | "layer7";

/** What reaching errorLimit does (HAProxy's on-error); every mode also forces fastinter. */
export type OnError = "fastinter" | "fail-check" | "sudden-death" | "mark-down";

/** A server's observe settings, defaults applied (HAProxy: error-limit 10, on-error fastinter). */
export interface ObservePlan {
  readonly layer: ObserveLayer;
  readonly errorLimit: number;
  readonly onError: OnError;
}

export const OBSERVE_DEFAULTS = { errorLimit: 10, onError: "fastinter" } as const;

/** HAProxy's analyze statuses (get_analyze_status), as its log line quotes them. */
const L4_ERR = "L4 unsuccessful connection";
const HTTP_STS = "Wrong http response";
const FAILED: Record<ResponseFailureKind, string> = {
  junk: "Invalid http response",
  closed: "Close from server (http)",
  timeout: "Read timeout (http)",
};

/**
 * Counts a server's consecutive errors in live traffic (HAProxy's __health_adjust). In layer4 a
 * failed connect is an error and a successful one clears the count; in layer7 failed connects
 * and failed responses are errors (statuses 500-599 but 501 and 505, which a client can provoke,
 * invalid heads, a close or a timeout before the response), and a valid status clears the count,
 * connects then counting for nothing. The `errorLimit`th error in a row calls `onLimit` with
 * HAProxy's description ("Detected 10 consecutive errors, last one was: Wrong http response")
 * and starts the count again. An active check that passes clears it too ({@link reset}).
 *
 * @example
 * ```ts
 * const o = new Observer({ layer: "layer7", errorLimit: 2, onError: "mark-down" }, console.log);
 * o.status(500);
 * o.status(503); // logs: Detected 2 consecutive errors, last one was: Wrong http response
 * ```
 */
export class Observer implements ServerObserver {
  readonly plan: ObservePlan;
  #layer7: boolean;
  #errors = 0;
  #onLimit: (info: string) => void;

  constructor(plan: ObservePlan, onLimit: (info: string) => void) {
    if (!Number.isInteger(plan.errorLimit) || plan.errorLimit < 1) {
      throw new RangeError(`Observer: errorLimit must be a whole number of at least 1`);
    }
    this.plan = plan;
    this.#layer7 = plan.layer === "layer7";
    this.#onLimit = onLimit;
  }

  /** Errors in a row so far (HAProxy's consecutive_errors). */
  get errors(): number {
    return this.#errors;
  }

  connected(ok: boolean): void {
    if (!ok) this.#error(L4_ERR);
    else if (!this.#layer7) this.#errors = 0;
  }

  status(code: number): void {
    if (!this.#layer7) return;
    if (code >= 100 && (code < 500 || code === 501 || code === 505)) this.#errors = 0;
    else this.#error(HTTP_STS);
  }

  responseFailed(kind: ResponseFailureKind): void {
    if (this.#layer7) this.#error(FAILED[kind]);
  }

  /** A passed active check: the count starts again. */
  reset(): void {
    this.#errors = 0;
  }

  #error(what: string): void {
    if (++this.#errors < this.plan.errorLimit) return;
    const info = `Detected ${this.#errors} consecutive errors, last one was: ${what}`;
    this.#errors = 0;
    this.#onLimit(info);
  }
}
