/** Reloading a running proxy: the new config checked first, run only when valid (as a new generation), each change logged. */
import { getLogger } from "@logtape/logtape";
import { formatConfigError, type LoadResult } from "../config/errors.ts";
import type { Config } from "../config/schema.ts";
import type { ControlLink } from "../control/api/link.ts";
import type { ReloadReport } from "../control/mod.ts";
import type { ProxyHandle, ProxyPlan } from "../proxy/proxy.ts";
import { describeChanges, fieldChanges } from "./diff.ts";
import { planFromConfig } from "./plan.ts";

const log = getLogger(["tsproxy", "reload"]);

/** Reads and checks a config file; the CLI gives one that loads it in a child process. */
export type ConfigLoader = (file: string) => Promise<LoadResult<Config>>;

/** The checker loaded on first use: a proxy started without a loader pays for zod at its first reload. */
async function loadHere(file: string): Promise<LoadResult<Config>> {
  const { loadConfigFile } = await import("../config/load.ts");
  return await loadConfigFile(file);
}

/** Global settings a running process cannot change: a reload says so and keeps the old ones. */
const NEEDS_RESTART = ["statsSocket", "log", "syslog", "workers"] as const;

/**
 * Reloads one running proxy, one reload at a time (a reload asked while one runs waits for it).
 * Errors of the new config are logged and returned, and the running config stays.
 */
export class Reloader {
  #config: Config;
  #plan: ProxyPlan;
  readonly #handle: ProxyHandle;
  readonly #link: ControlLink;
  /** Where `reload()` reads the config from when given none; null: a config must be given. */
  readonly #file: string | null;
  readonly #load: ConfigLoader;
  #last: Promise<unknown> = Promise.resolve();

  constructor(
    running: { config: Config; plan: ProxyPlan; handle: ProxyHandle; link: ControlLink },
    file: string | null,
    load: ConfigLoader = loadHere,
  ) {
    this.#load = load;
    this.#config = running.config;
    this.#plan = running.plan;
    this.#handle = running.handle;
    this.#link = running.link;
    this.#file = file;
  }

  /** The config running now. */
  get config(): Config {
    return this.#config;
  }

  /** Reads `source` (a file; by default the one the proxy started from) or takes a config, and runs it when valid. */
  reload(source?: Config | string): Promise<ReloadReport> {
    const next = this.#last.then(() => this.#reload(source));
    this.#last = next.catch(() => {});
    return next;
  }

  async #reload(source: Config | string | undefined): Promise<ReloadReport> {
    const from = typeof source === "string" ? source : source ? "the given config" : this.#file;
    if (from === null) return failed(["reload: no config file to read"]);
    let config: Config;
    if (typeof source === "object") config = source;
    else {
      const loaded = await this.#load(from);
      if (!loaded.ok) return failed(loaded.errors.map(formatConfigError));
      config = loaded.config;
    }
    const kept = fixedGlobals(this.#config, config);
    let plan: ProxyPlan;
    let notes: string[];
    try {
      plan = await planFromConfig(kept.config, this.#link, this.#plan.stickTables);
      notes = await this.#handle.runPlan(plan);
    } catch (err) {
      return failed([(err as Error).message]);
    }
    const changes = [...describeChanges(this.#config, kept.config), ...kept.notes, ...notes];
    this.#config = kept.config;
    this.#plan = plan;
    log.info`reload: ${from} applied, ${changes.length} change${changes.length === 1 ? "" : "s"}`;
    for (const c of changes) log.info`reload: ${c}`;
    return { ok: true, changes, errors: [] };
  }
}

function failed(errors: string[]): ReloadReport {
  for (const e of errors) log.error`reload: ${e}`;
  log.error`reload failed: the running configuration stays (${errors.length} error${
    errors.length === 1 ? "" : "s"
  })`;
  return { ok: false, changes: [], errors };
}

/** `next` with the globals only a restart changes kept as they run, and a note for each. */
function fixedGlobals(running: Config, next: Config): { config: Config; notes: string[] } {
  const notes: string[] = [];
  const global = { ...next.global };
  for (const key of NEEDS_RESTART) {
    const was = running.global[key], now = next.global[key];
    if (JSON.stringify(was) === JSON.stringify(now)) continue;
    notes.push(
      `global: ${fieldChanges({ [key]: was }, { [key]: now }).join("")} needs a restart (kept)`,
    );
    (global as Record<string, unknown>)[key] = was;
  }
  return { config: notes.length > 0 ? { ...next, global } : next, notes };
}
