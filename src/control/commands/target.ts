/** Finds `backend/server` for a command, answering HAProxy's error texts when it cannot. */
import type { Backend } from "../../backend/backend.ts";
import type { Server } from "../../backend/server.ts";
import type { ControlContext } from "./context.ts";

export type Target = { ok: true; backend: Backend; server: Server } | { ok: false; answer: string };

/** `arg` is "backend/server": the two found, or "Require 'backend/server'.", "No such backend.", "No such server.". */
export function findServer(ctx: ControlContext, arg: string | undefined): Target {
  const slash = arg?.indexOf("/") ?? -1;
  if (arg === undefined || slash < 0) return { ok: false, answer: "Require 'backend/server'.\n" };
  const backend = ctx.proxy.backends.get(arg.slice(0, slash));
  if (!backend) return { ok: false, answer: "No such backend.\n" };
  const name = arg.slice(slash + 1);
  const server = backend.servers.find((s) => s.name === name);
  if (!server) return { ok: false, answer: "No such server.\n" };
  return { ok: true, backend, server };
}

/**
 * A weight as HAProxy's `set weight` reads it: "N" (0 to 256) or "N%" of the initial weight.
 * Returns the absolute weight or the error answer.
 */
export function parseWeight(text: string | undefined, initial: number): number | string {
  if (text === undefined || !/^\d+%?$/.test(text)) return "Require <weight> or <weight%>.\n";
  if (text.endsWith("%")) {
    const pct = Number(text.slice(0, -1));
    if (pct > 100) return "Relative weight must be positive.\n";
    return Math.floor((initial * pct) / 100);
  }
  const n = Number(text);
  if (n > 256) return "Absolute weight can only be between 0 and 256 inclusive.\n";
  return n;
}

/** A non-negative integer argument, or null. */
export function parseCount(text: string | undefined): number | null {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : null;
}
