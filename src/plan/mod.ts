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
import {
  type Control,
  type ReloadReport,
  startControl,
  type StatsRenderers,
} from "../control/mod.ts";
import { type ConfigLoader, Reloader } from "./reload.ts";
import { sharedPlan } from "./shared.ts";
import { SharedSync } from "../stick/shared/sync.ts";
import { ServerStateShare } from "../backend/state_share.ts";

export { planFromConfig } from "./plan.ts";
export { checkPlans } from "./checks.ts";
export { ControlLink } from "../control/api/link.ts";
export { describeChanges } from "./diff.ts";
export type { ReloadReport } from "../control/mod.ts";

/** A started proxy with its control plane (the runner every control surface uses). */
export interface RunningProxy extends ProxyHandle {
  readonly control: Control;
  /**
   * Reads `source` (a config file; by default the one given to `startProxy`) or takes a config,
   * checks it and, when valid, runs it as the next generation (SIGHUP, `reload` on the CLI).
   * Errors are logged and returned, and the running config stays.
   */
  reload(source?: Config | string): Promise<ReloadReport>;
}

/**
 * Starts the proxy described by a validated config (see {@link startPlan}); `counters` are the
 * process's, when the log setup counts into them too. The CLI socket (`global.statsSocket`) starts
 * once the binds succeeded and stops with the proxy; `link` carries the running proxy and the
 * CommandRunner to the local services (stats page, API); `renderers` answer `show info`/`show stat`;
 * `file`: the config file `reload()` reads again.
 */
export async function startProxy(
  config: Config,
  runtime: Runtime,
  counters?: ProcessCounters,
  link: ControlLink = new ControlLink(),
  renderers?: StatsRenderers,
  file: string | null = null,
  /** statsSocket false: a master serves `global.statsSocket` (this is one of its workers). */
  options: { statsSocket?: boolean; load?: ConfigLoader } = {},
): Promise<RunningProxy> {
  const plan = await planFromConfig(config, link);
  const shared = sharedPlan(config);
  const handle = await startPlan(plan, runtime, counters);
  // read at start: a reload follows the tables, not a changed `shared` section
  const servers = shared?.serverState
    ? new ServerStateShare(shared.prefix, () => handle.backends)
    : null;
  const sync = shared &&
    new SharedSync(runtime, shared, () => handle.tables.values(), Date.now, servers);
  sync?.start();
  const reloader = new Reloader({ config, plan, handle, link }, file, options.load);
  const reload = (source?: Config | string) => reloader.reload(source);
  const s = options.statsSocket === false ? undefined : config.global.statsSocket;
  let control: Control;
  try {
    control = await startControl(
      handle,
      runtime,
      s ? { path: s.path, address: s.address, mode: s.mode, level: s.level } : null,
      renderers,
      () => reload(),
    );
  } catch (err) {
    sync?.stop();
    await handle.shutdown();
    throw err;
  }
  link.proxy = handle;
  link.runner = control.runner;
  return {
    get binds() {
      return handle.binds;
    },
    get frontends() {
      return handle.frontends;
    },
    get backends() {
      return handle.backends;
    },
    get checks() {
      return handle.checks;
    },
    get tables() {
      return handle.tables;
    },
    process: handle.process,
    admission: handle.admission,
    control,
    shutdown(closeIdle?: boolean) {
      control.close();
      sync?.stop();
      return handle.shutdown(closeIdle);
    },
    reloadCertificates: () => handle.reloadCertificates(),
    listeningSockets: () => [...handle.listeningSockets(), ...(control.socket?.handover() ?? [])],
    // a plan run directly is not a config `reload` compares the next one with: tests use it
    runPlan: (p) => handle.runPlan(p),
    reload,
  };
}
