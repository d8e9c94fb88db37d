/**
 * Active health checks (HAProxy's `check`, `option httpchk`, `http-check expect`): one checker per
 * checked server, moving it UP and DOWN by rise/fall counts and logging each change.
 *
 * @example
 * ```ts
 * const checks = startChecks(plan.checks, backends, runtime); // plans from src/plan/checks.ts
 * // ... on shutdown:
 * checks.stop();
 * ```
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import type { Server } from "../backend/server.ts";
import type { Runtime } from "../runtime/types.ts";
import { Checker, type CheckPlan } from "./checker.ts";

export { Checker, type CheckPlan, checkTimeouts } from "./checker.ts";
export { DEFAULT_EXPECT, type Expect, parseExpect } from "./expect.ts";
export { Health, type HealthParams, type Transition } from "./health.ts";
export { checkRequest, evaluateResponse, type HttpCheckSpec } from "./http_check.ts";
export type { Verdict } from "./verdict.ts";

/** The running checkers of a proxy. */
export interface RunningChecks {
  readonly checkers: readonly Checker[];
  /** Stops every checker at once: no check starts after, sockets of checks in flight are closed. */
  stop(): void;
  /** Starts checking one more server (a server added at run time); its first check runs at once. */
  add(plan: CheckPlan, backend: Backend, server: Server): Checker;
}

/**
 * Starts a checker per plan. First checks are spread over the shortest first interval, in plan
 * order (HAProxy staggers them the same way so servers sharing a host are not hit at once); later
 * checks follow each server's own interval, without random spread (HAProxy's `spread-checks 0`).
 * @throws {Error} when a plan names a backend or server that is not in `backends`.
 */
export function startChecks(
  plans: readonly CheckPlan[],
  backends: ReadonlyMap<string, Backend>,
  runtime: Runtime,
  /** Servers that took over a checked server's health on reload: their checkers resume it. */
  resumed: ReadonlySet<Server> = new Set(),
): RunningChecks {
  const checkers: Checker[] = plans.map((p) => {
    const backend = backends.get(p.backend);
    const server = backend?.servers.find((s) => s.name === p.server);
    if (!backend || !server) {
      throw new Error(`health check for ${p.backend}/${p.server}: no such backend or server`);
    }
    const c = new Checker(p, backend, server, runtime);
    if (resumed.has(server)) c.resume();
    return c;
  });
  const first = Math.min(...checkers.map((c) => c.interval));
  checkers.forEach((c, i) => c.start(Math.floor((first * i) / checkers.length)));
  let stopped = false;
  return {
    checkers,
    stop() {
      stopped = true;
      for (const c of checkers) c.stop();
    },
    add(plan, backend, server) {
      const c = new Checker(plan, backend, server, runtime);
      if (stopped) return c;
      checkers.push(c);
      c.start(0);
      return c;
    },
  };
}
