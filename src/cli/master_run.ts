/** `tsproxy run` with `global.workers` above 1: the master holds the listening sockets, serves the stats socket, starts and supervises the workers, relays signals. */
import { getLogger } from "@logtape/logtape";
import { closeSync } from "node:fs";
import process from "node:process";
import type { Config } from "../config/schema.ts";
import { formatAddress } from "../config/address.ts";
import { startControlSocket } from "../control/socket.ts";
import { flushLogging, reopenLogs } from "../log/setup.ts";
import { Master } from "../master/master.ts";
import { BinaryUpgrade, upgradeOnSignal, upgradeThenDrain } from "../master/upgrade.ts";
import type { HeldSocket, Runtime } from "../runtime/types.ts";
import { MasterRunner } from "./master_runner.ts";
import { trimSoon } from "./trim_soon.ts";

const log = getLogger(["tsproxy", "master"]);

/** Every address a worker listens on: each frontend's binds, then the admin API's. */
export function bindAddresses(config: Config): { frontend: string; host: string; port: number }[] {
  const out: { frontend: string; host: string; port: number }[] = [];
  for (const [name, fe] of Object.entries(config.frontends ?? {})) {
    for (const b of fe.bind) out.push({ frontend: name, host: b.host, port: b.port });
  }
  for (const b of config.global.api?.bind ?? []) {
    out.push({ frontend: "api", host: b.host, port: b.port });
  }
  return out;
}

/** The number of workers `global.workers` asks for on this machine (`auto`: the cores). */
export function workerCount(config: Config, cores: number): number {
  const w = config.global.workers;
  return w === "auto" ? Math.max(1, cores) : w;
}

/**
 * Runs the master until SIGTERM/SIGINT (or an upgrade's new master serves); the exit code. A bind
 * or a worker failing at start is logged and ends it with 1.
 */
export async function runMaster(
  config: Config,
  runtime: Runtime,
  workers: number,
  /** Reads the config file again (as a reload does), to see whether its binds changed. */
  reread: () => Promise<Config | null>,
): Promise<number> {
  const held: HeldSocket[] = [];
  const addresses = bindAddresses(config);
  try {
    for (const a of addresses) held.push(await runtime.holdListening!(a.host, a.port));
  } catch (err) {
    for (const h of held) closeSync(h.fd);
    log.error`${(err as Error).message}`;
    return 1;
  }
  let runner: MasterRunner | null = null;
  const master = new Master(runtime, {
    workers,
    sockets: held,
    onForward: (line, who, level) =>
      runner ? runner.run(line, { who, level }) : Promise.resolve("not ready\n"),
  });
  runner = new MasterRunner(master);
  runner.refuseReload = async () => {
    const next = await reread();
    if (next === null) return null; // invalid: each worker's reload reports the errors
    const key = (c: Config) => bindAddresses(c).map((a) => `${a.host}:${a.port}`).sort().join(" ");
    if (key(next) === key(config)) return null;
    return `reload: the listening addresses changed (${key(config)} → ${key(next)}); the master ` +
      `holds them for its workers: upgrade the master (SIGUSR2) or restart to change them`;
  };
  log.info`master ${process.pid}: starting ${workers} workers`;
  try {
    await master.start();
  } catch (err) {
    log.error`${(err as Error).message}`;
    return 1;
  }
  const s = config.global.statsSocket;
  const control = s
    ? await startControlSocket(
      runtime,
      { path: s.path, address: s.address, mode: s.mode, level: s.level },
      runner,
    )
    : null;
  addresses.forEach((a, i) => {
    const where = formatAddress({ host: a.host, port: held[i]!.boundPort });
    log
      .info`frontend ${a.frontend} listening on ${where} (master ${process.pid}, ${workers} workers)`;
  });
  for (const a of runtime.inherited.closeRest()) log.info`inherited socket ${a} closed (not bound)`;
  runtime.tellParentReady();
  trimSoon(runtime);

  let stopping = false;
  let exit: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => (exit = resolve));
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    log.info`${why}: stopping the workers (they drain)`;
    control?.close();
    void master.stop().then(() => {
      for (const h of held) closeSync(h.fd);
      log.info("stopped");
      exit(0);
    });
  };
  runtime.onSignal("SIGTERM", () => stop("SIGTERM received"));
  runtime.onSignal("SIGINT", () => stop("SIGINT received"));
  runtime.onSignal("SIGHUP", () => {
    log.info("SIGHUP received: reloading the workers one by one");
    void runner.run("reload", { who: "SIGHUP", level: "admin" }).then((text) => {
      if (text.startsWith("Success=1")) log.info("reload: done on every worker");
      else log.error`reload failed: ${text.split("\n").slice(2).join("; ")}`;
    });
  });
  runtime.onSignal("SIGUSR1", () => {
    log.info("SIGUSR1 received: reopening the log files (master and workers)");
    reopenLogs();
    master.signal("SIGUSR1");
  });
  const upgrade = new BinaryUpgrade(runtime, () => [...held, ...(control?.handover() ?? [])]);
  const upgradeNow = () => upgradeThenDrain(upgrade, (why) => (stop(why), true), () => stopping);
  upgradeOnSignal(runtime, upgradeNow);
  runner.upgrade = upgradeNow;
  const code = await done;
  await flushLogging();
  return code;
}
