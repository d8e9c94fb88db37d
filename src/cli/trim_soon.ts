/** The serving process gives back what only start-up (or a reload) used, on a schedule of its own. */
import { getLogger } from "@logtape/logtape";
import type { Runtime } from "../runtime/types.ts";

/** After serving: once the first turns ran, and once the JIT's background compiles are done. */
export const TRIM_AFTER_MS: readonly number[] = [1000, 15_000];

/**
 * Start-up's (or a reload's) memory given back a second later, once the first turns have run, and
 * again 15 s later: the JIT's background compiles and the first full collection touch code of
 * their own (5 MiB on Bun) that the idle proxy does not run again.
 */
export function trimSoon(runtime: Runtime, delays: readonly number[] = TRIM_AFTER_MS): void {
  if (!runtime.trimStartup) return;
  const trim = runtime.trimStartup;
  for (const delay of delays) {
    const timer = setTimeout(() => {
      void trim().then((kib) => {
        if (kib > 0) getLogger(["tsproxy", "cli"]).debug`start-up pages given back: ${kib} KiB`;
      });
    }, delay);
    (timer as { unref?: () => void }).unref?.();
  }
}
