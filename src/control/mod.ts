/**
 * @module
 * The control plane: HAProxy's runtime commands through one {@link Runner} (every surface: the
 * CLI socket here, the REST API and the stats page's forms elsewhere), and the CLI socket.
 *
 * @example
 * ```ts
 * const control = await startControl(proxy, runtime, { path: "/run/tsproxy.sock", mode: "0600", level: "admin" });
 * control.runner.run("set server app/s1 state drain", { who: "script", level: "admin" });
 * control.close();
 * ```
 */
import type { ProxyHandle } from "../proxy/proxy.ts";
import type { Runtime } from "../runtime/types.ts";
import type {
  ControlContext,
  ReloadReport,
  StatsRenderers,
  UpgradeReport,
} from "./commands/context.ts";
import { Runner } from "./commands/runner.ts";
import { type ControlSocket, type ControlSocketPlan, startControlSocket } from "./socket.ts";
import { cliRenderers } from "./renderers.ts";

export type { Actor, CommandRunner } from "./types.ts";
export type { ReloadReport, StatsRenderers } from "./commands/context.ts";
export { Runner, splitWords } from "./commands/runner.ts";
export { type ControlSocketPlan, splitCommands } from "./socket.ts";
export { tableCommands } from "./commands/registry.ts";

/** The running control plane: its runner, and the CLI socket when one was asked for. */
export interface Control {
  readonly runner: Runner;
  readonly socket: ControlSocket | null;
  /** What the `upgrade` command runs (the CLI sets it once the proxy runs). */
  onUpgrade(run: () => Promise<UpgradeReport>): void;
  close(): void;
}

/** A runner over `proxy`, and the CLI socket `socket` asks for (none when null). */
export async function startControl(
  proxy: ProxyHandle,
  runtime: Runtime,
  socket: ControlSocketPlan | null,
  renderers: StatsRenderers = cliRenderers,
  /** What the `reload` command runs; none: it answers that reload is not available. */
  reload: (() => Promise<ReloadReport>) | null = null,
): Promise<Control> {
  const ctx = { proxy, renderers, startedAt: Date.now(), reload, upgrade: null };
  const runner = new Runner(ctx);
  const sock = socket === null ? null : await startControlSocket(runtime, socket, runner);
  return {
    runner,
    socket: sock,
    onUpgrade(run) {
      (ctx as ControlContext).upgrade = run;
    },
    close() {
      sock?.close();
    },
  };
}
