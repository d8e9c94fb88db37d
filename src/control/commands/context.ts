/** What commands act on (the running proxy, the stats renderers) and the shape of a command. */
import type { ProxyHandle } from "../../proxy/proxy.ts";
import type { ProxyView } from "../../stats/views.ts";
import type { Actor } from "../types.ts";

/**
 * The renderers of `src/stats/render/mod.ts` (written apart): passed in, so the commands do not
 * depend on their file until the integration hands the real ones over.
 */
export interface StatsRenderers {
  renderInfo(proxy: ProxyView): string;
  renderCsv(proxy: ProxyView): string;
  renderTyped(proxy: ProxyView): string;
  renderJson(proxy: ProxyView): string;
}

/** Everything a command handler may read or change. */
export interface ControlContext {
  readonly proxy: ProxyHandle;
  readonly renderers: StatsRenderers;
  /** When the process started (ms since the epoch), for `show info`-like answers. */
  readonly startedAt: number;
  /** Reads the config file again and runs it when valid; null where nothing can reload. */
  readonly reload: (() => Promise<ReloadReport>) | null;
  /** Starts a binary upgrade (set by the CLI once running); null where none can run. */
  upgrade: (() => Promise<UpgradeReport>) | null;
}

/** What a binary upgrade came to: the new process serves (this one drains), or why not. */
export type UpgradeReport = { readonly ok: true; readonly pid: number } | {
  readonly ok: false;
  readonly reason: string;
};

/** What a reload did: the changes it made, or the errors that kept the running config. */
export interface ReloadReport {
  readonly ok: boolean;
  /** One line per change (`backend app: server s3 added`) and notes (certificate errors). */
  readonly changes: readonly string[];
  /** Every error of the new config (then nothing changed). */
  readonly errors: readonly string[];
}

export type Level = Actor["level"];

/** One runtime command: the words that name it, the level it needs, its help line and handler. */
export interface Command {
  /** The leading words, e.g. ["set", "server"]; the longest match wins. */
  readonly words: readonly string[];
  readonly level: Level;
  /** HAProxy's help line (left part, right part), or null to leave it out of `help`. */
  readonly help: readonly [string, string] | null;
  /** Changes state: the runner logs the line with the actor. */
  readonly changes: boolean;
  /** `args`: the words after `words`. Returns HAProxy's answer text. */
  run(args: readonly string[], ctx: ControlContext, actor: Actor): string | Promise<string>;
}

const LEVELS: Readonly<Record<Level, number>> = { user: 0, operator: 1, admin: 2 };

/** True when an actor at `has` may run a command of level `needs`. */
export function allowed(has: Level, needs: Level): boolean {
  return LEVELS[has] >= LEVELS[needs];
}

/** HAProxy's answer to a command above the session's level. */
export const PERMISSION_DENIED = "Permission denied\n";
