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
import { type Control, startControl, type StatsRenderers } from "../control/mod.ts";

export { planFromConfig } from "./plan.ts";
export { checkPlans } from "./checks.ts";
export { ControlLink } from "../control/api/link.ts";

/** A started proxy with its control plane (the runner every control surface uses). */
export interface RunningProxy extends ProxyHandle {
  readonly control: Control;
}

/**
 * Starts the proxy described by a validated config (see {@link startPlan}); `counters` are the
 * process's, when the log setup counts into them too. The CLI socket (`global.statsSocket`) starts
 * once the binds succeeded and stops with the proxy; `link` carries the running proxy and the
 * CommandRunner to the local services (stats page, API); `renderers` answer `show info`/`show stat`.
 */
export async function startProxy(
  config: Config,
  runtime: Runtime,
  counters?: ProcessCounters,
  link: ControlLink = new ControlLink(),
  renderers?: StatsRenderers,
): Promise<RunningProxy> {
  const handle = await startPlan(await planFromConfig(config, link), runtime, counters);
  const s = config.global.statsSocket;
  let control: Control;
  try {
    control = await startControl(
      handle,
      runtime,
      s ? { path: s.path, address: s.address, mode: s.mode, level: s.level } : null,
      renderers,
    );
  } catch (err) {
    await handle.shutdown();
    throw err;
  }
  link.proxy = handle;
  link.runner = control.runner;
  return {
    ...handle,
    binds: handle.binds,
    frontends: handle.frontends,
    backends: handle.backends,
    process: handle.process,
    admission: handle.admission,
    checks: handle.checks,
    control,
    shutdown() {
      control.close();
      return handle.shutdown();
    },
    reloadCertificates: () => handle.reloadCertificates(),
  };
}
