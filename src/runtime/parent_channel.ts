/** The IPC channel to the master that started this process (node:process's, which Bun.spawn's `ipc` opens). */
import process from "node:process";
import type { ParentChannel } from "./process_types.ts";

/** The channel when this process was started with one (a worker); null otherwise. */
export function parentChannel(): ParentChannel | null {
  if (typeof process.send !== "function") return null;
  return {
    send(message) {
      try {
        process.send?.(message);
      } catch { /* the master is gone: its disconnect is reported */ }
    },
    onMessage(handler) {
      process.on("message", handler);
    },
    onDisconnect(handler) {
      process.on("disconnect", handler);
    },
  };
}
