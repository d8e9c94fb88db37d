/**
 * @module
 * From a checked config to a running proxy: `planFromConfig` turns the config into the plan the data
 * path runs (defaults merged, rules compiled, files read); `startProxy` starts that plan. The data
 * path (`src/proxy/`) never imports `src/config/`: it receives a plan.
 */
import type { Config } from "../config/mod.ts";
import { type ProxyHandle, startPlan } from "../proxy/proxy.ts";
import type { Runtime } from "../runtime/types.ts";
import type { ProcessCounters } from "../stats/counters.ts";
import { ControlLink } from "../control/api/link.ts";
import { planFromConfig } from "./plan.ts";

export { planFromConfig } from "./plan.ts";
export { checkPlans } from "./checks.ts";
export { ControlLink } from "../control/api/link.ts";

/**
 * Starts the proxy described by a validated config (see {@link startPlan}); `counters` are the
 * process's, when the log setup counts into them too. `link` carries the CommandRunner and the
 * renderers to the local services (stats page, API); it is given the running proxy here.
 */
export async function startProxy(
  config: Config,
  runtime: Runtime,
  counters?: ProcessCounters,
  link: ControlLink = new ControlLink(),
): Promise<ProxyHandle> {
  const handle = await startPlan(await planFromConfig(config, link), runtime, counters);
  link.proxy = handle;
  return handle;
}
