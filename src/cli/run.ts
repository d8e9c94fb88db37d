/** `tsproxy run`: the config loaded apart, logging set up, the proxy (or a master and its workers) started, signals wired until it stops. */
import process from "node:process";
import { cpus } from "node:os";
import { getLogger, type LogLevel } from "@logtape/logtape";
import { formatAddress } from "../config/address.ts";
import { configureLogging, flushLogging, reopenLogs } from "../log/setup.ts";
import { ProcessCounters } from "../stats/counters.ts";
import { ControlLink, type RunningProxy, startProxy } from "../plan/mod.ts";
import { getRuntime, type Runtime } from "../runtime/mod.ts";
import { BinaryUpgrade, upgradeOnSignal, upgradeThenDrain } from "../master/upgrade.ts";
import { loadConfigApart } from "./config_apart.ts";
import { runMaster, workerCount } from "./master_run.ts";
import { printConfigErrors, refusePermissions, write } from "./output.ts";
import { serveMaster, workerIndex } from "./worker.ts";
import { trimSoon } from "./trim_soon.ts";

/** Runs the proxy from `file` until it is stopped; resolves with the exit code. */
export async function run(file: string, level: LogLevel): Promise<number> {
  const runtime = await getRuntime();
  const result = await loadConfigApart(file, runtime);
  if (!result.ok) {
    await printConfigErrors(result.errors);
    return 1;
  }
  if (await refusePermissions(result.config)) return 1;
  const counters = new ProcessCounters();
  await configureLogging({
    level,
    access: result.config.global.log,
    syslog: result.config.global.syslog,
    counters,
  });
  const log = getLogger(["tsproxy", "cli"]);
  const worker = workerIndex();
  const workers = worker === null ? workerCount(result.config, cpus().length) : 1;
  if (workers > 1 && runtime.startWorker && runtime.holdListening) {
    const reread = async () => {
      const r = await loadConfigApart(file, runtime);
      return r.ok ? r.config : null;
    };
    const code = await runMaster(result.config, runtime, workers, reread);
    await flushLogging();
    return code;
  }
  if (workers > 1) {
    log
      .warn`global.workers ${workers}: ${runtime.name} cannot hand listening sockets to worker processes (denoland/deno#14006); running one process (use Bun or the compiled binary for workers)`;
  }
  const link = new ControlLink();
  let handle: RunningProxy;
  try {
    handle = await startProxy(result.config, runtime, counters, link, undefined, file, {
      statsSocket: worker === null,
      load: (f) => loadConfigApart(f, runtime),
    });
  } catch (e) {
    await flushLogging();
    await write(process.stderr, `tsproxy: ${(e as Error).message}\n`);
    return 1;
  }
  for (const b of handle.binds) {
    const tls = b.tls ? ` (TLS, ${b.tls.stack})` : "";
    // a worker's line says "accepting": the master says "listening" once all workers serve
    if (worker !== null) {
      log.info`frontend ${b.frontend} accepting on ${formatAddress(b)}${tls} (worker ${worker})`;
    } else log.info`frontend ${b.frontend} listening on ${formatAddress(b)}${tls}`;
    for (const w of b.tls?.warnings ?? []) log.warn`frontend ${b.frontend}: ${w}`;
  }
  // started by an upgrade: sockets no bind took left the config; the old process may now drain
  for (const a of runtime.inherited.closeRest()) log.info`inherited socket ${a} closed (not bound)`;
  runtime.tellParentReady();
  trimSoon(runtime);
  runtime.onSignal("SIGHUP", () => {
    log.info("SIGHUP received: reloading the configuration");
    void handle.reload().then(() => trimSoon(runtime)); // logs its changes, or its errors
  });
  runtime.onSignal("SIGUSR1", () => {
    log.info("SIGUSR1 received: reopening the log files");
    reopenLogs();
  });
  const stopper = untilStopped(handle, runtime, result.config.global.hardStopAfter);
  if (worker !== null && runtime.parent) {
    // the master upgrades (SIGUSR2 to it); one sent here is only logged
    serveMaster(runtime.parent, handle, link, stopper.stop);
    runtime.onSignal("SIGUSR2", () => log.warn`worker ${worker}: SIGUSR2 is the master's`);
  } else {
    const upgrade = new BinaryUpgrade(runtime, () => handle.listeningSockets());
    const upgradeNow = () => upgradeThenDrain(upgrade, stopper.stop, stopper.stopping);
    upgradeOnSignal(runtime, upgradeNow);
    handle.control.onUpgrade(upgradeNow);
  }
  const code = await stopper.done;
  await flushLogging();
  return code;
}

/**
 * Waits for SIGTERM/SIGINT (or `stop`: an upgrade's new process serves), shuts down once; `done`
 * resolves with the exit code.
 */
function untilStopped(
  handle: RunningProxy,
  runtime: Runtime,
  hardStopAfter: number,
): { done: Promise<number>; stop(why: string): boolean; stopping(): boolean } {
  const log = getLogger(["tsproxy", "cli"]);
  let stop: (why: string) => boolean = () => false;
  let stopping = false;
  const done = new Promise<number>((resolve) => {
    let firstAt = 0;
    const onSignal = (signal: string, reason = `${signal} received`) => {
      if (stopping) {
        // A wrapper (deno task, npm, a shell) often forwards the one Ctrl-C the terminal already
        // sent to the whole process group: a repeat within 300 ms is that same signal.
        if (Date.now() - firstAt < 300) return;
        log.warn`${signal} received again: exiting now`;
        void flushLogging().finally(() => process.exit(1));
        return;
      }
      stopping = true;
      firstAt = Date.now();
      log.info`${reason}: stopping (open connections get up to ${hardStopAfter}ms)`;
      // A last resort should shutdown itself hang past its own hard stop.
      const guard = setTimeout(() => {
        log.error`shutdown still not done ${hardStopAfter + 5000}ms after ${signal}: exiting`;
        resolve(1);
      }, hardStopAfter + 5000);
      handle.shutdown(signal !== "upgrade").then(
        () => {
          clearTimeout(guard);
          log.info("stopped");
          resolve(0);
        },
        (e: unknown) => {
          clearTimeout(guard);
          log.error`shutdown failed: ${(e as Error).message}`;
          resolve(1);
        },
      );
    };
    runtime.onSignal("SIGTERM", () => onSignal("SIGTERM"));
    runtime.onSignal("SIGINT", () => onSignal("SIGINT"));
    stop = (why) => {
      if (stopping) return false;
      onSignal("upgrade", why);
      return true;
    };
  });
  return { done, stop: (why) => stop(why), stopping: () => stopping };
}
