/** Binary upgrade (SIGUSR2): a new process from the executable on disk takes over the listening sockets; this one drains once it is ready. */
import process from "node:process";
import { getLogger } from "@logtape/logtape";
import type { HandedSocket, Runtime, Successor } from "../runtime/types.ts";

const log = getLogger(["tsproxy", "upgrade"]);

/** How long the new process may take to say it serves before it is given up (and stopped). */
export const READY_WITHIN_MS = 30_000;

/** What an upgrade attempt came to: the new process serves (this one should drain), or why not. */
export type UpgradeOutcome =
  | { readonly ok: true; readonly pid: number }
  | { readonly ok: false; readonly reason: string };

/**
 * Starts successors one at a time. `sockets` lists the listening sockets to hand over at the
 * moment of the upgrade (a reload may have changed them since start).
 */
export class BinaryUpgrade {
  readonly #runtime: Runtime;
  readonly #sockets: () => HandedSocket[];
  readonly #readyWithinMs: number;
  #busy = false;

  constructor(runtime: Runtime, sockets: () => HandedSocket[], readyWithinMs = READY_WITHIN_MS) {
    this.#runtime = runtime;
    this.#sockets = sockets;
    this.#readyWithinMs = readyWithinMs;
  }

  /** Starts the successor and waits until it serves, exits, or the wait runs out. Never throws. */
  async run(): Promise<UpgradeOutcome> {
    const rt = this.#runtime;
    if (!rt.startSuccessor) {
      return {
        ok: false,
        reason: `binary upgrade is not available on ${rt.name}: it cannot hand its listening ` +
          `sockets to a new process; reload with SIGHUP`,
      };
    }
    if (this.#busy) return { ok: false, reason: "an upgrade is already under way" };
    this.#busy = true;
    try {
      const sockets = this.#sockets();
      let s: Successor;
      try {
        s = rt.startSuccessor(sockets);
      } catch (err) {
        return { ok: false, reason: (err as Error).message };
      }
      log.info`upgrade: new process ${s.pid} started with ${sockets.length} listening socket(s)`;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<"late">((resolve) => {
        timer = setTimeout(() => resolve("late"), this.#readyWithinMs);
      });
      const r = await Promise.race([s.started, late]);
      clearTimeout(timer);
      if (r === "ready") {
        s.release();
        return { ok: true, pid: s.pid };
      }
      if (r === "late") {
        s.stop();
        s.release();
        return {
          ok: false,
          reason: `the new process ${s.pid} did not report ready within ${this.#readyWithinMs}ms ` +
            `(asked to stop)`,
        };
      }
      return {
        ok: false,
        reason: `the new process ${s.pid} exited with ${r.exited} before it was ready ` +
          `(its own messages say why)`,
      };
    } finally {
      this.#busy = false;
    }
  }
}

/**
 * Upgrades, then (the new process serves) `drain`s: what SIGTERM does, and this process exits when
 * its sessions end. A failure is logged and this process goes on serving. Nothing starts while
 * `stopping()`. Resolves with the outcome (the `upgrade` command answers it).
 */
export async function upgradeThenDrain(
  upgrade: BinaryUpgrade,
  drain: (why: string) => void,
  stopping: () => boolean,
): Promise<UpgradeOutcome> {
  if (stopping()) return { ok: false, reason: "the process is stopping" };
  const r = await upgrade.run();
  if (!r.ok) {
    log.error`upgrade failed, still serving: ${r.reason}`;
    return r;
  }
  log.info`upgrade: new process ${r.pid} is serving; this one (${process.pid}) drains`;
  drain(`upgrade to process ${r.pid}`);
  return r;
}

/** SIGUSR2 runs `upgradeThenDrain` (see there); it never stops the process by itself. */
export function upgradeOnSignal(runtime: Runtime, run: () => Promise<UpgradeOutcome>): void {
  runtime.onSignal("SIGUSR2", () => {
    log.info("SIGUSR2 received: binary upgrade (a new process takes the listening sockets)");
    run().catch((err: unknown) => log.error`upgrade failed: ${(err as Error).message}`);
  });
}
