/** Commands on one server's state: enable/disable server, set server, get/set weight, health, maxconn, shutdown sessions. */
import { setAdminState, setHealthEnabled, setMaxconn, setWeight } from "../../backend/admin.ts";
import type { Command, ControlContext } from "./context.ts";
import { findServer, parseCount, parseWeight } from "./target.ts";

function weightCommand(
  ctx: ControlContext,
  target: string | undefined,
  w: string | undefined,
): string {
  const t = findServer(ctx, target);
  if (!t.ok) return t.answer;
  const n = parseWeight(w, t.server.initialWeight);
  if (typeof n === "string") return n;
  setWeight(t.backend, t.server, n);
  return "";
}

const STATES = ["ready", "drain", "maint"] as const;

export const serverCommands: readonly Command[] = [
  {
    words: ["disable", "server"],
    level: "operator",
    help: [
      "disable server (DEPRECATED)",
      "disable a server for maintenance (use 'set server' instead)",
    ],
    changes: true,
    run([target], ctx) {
      const t = findServer(ctx, target);
      if (!t.ok) return t.answer;
      setAdminState(t.backend, t.server, "maint");
      return "";
    },
  },
  {
    words: ["enable", "server"],
    level: "operator",
    help: ["enable server  (DEPRECATED)", "enable a disabled server (use 'set server' instead)"],
    changes: true,
    run([target], ctx) {
      const t = findServer(ctx, target);
      if (!t.ok) return t.answer;
      if (t.server.state === "MAINT") setAdminState(t.backend, t.server, "ready");
      return "";
    },
  },
  {
    words: ["set", "server"],
    level: "operator",
    help: ["set server <bk>/<srv> [opts]", "change a server's state, weight or maxconn"],
    changes: true,
    run([target, what, value], ctx) {
      const t = findServer(ctx, target);
      if (!t.ok) return t.answer === "No such backend.\n" ? "No such server.\n" : t.answer;
      if (what === "state") {
        const to = STATES.find((s) => s === value);
        if (!to) return "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n";
        setAdminState(t.backend, t.server, to);
        return "";
      }
      if (what === "weight") return weightCommand(ctx, target, value);
      if (what === "health") {
        if (value !== "up" && value !== "down" && value !== "stopping") {
          return "'set server <srv> health' expects 'up', 'stopping', or 'down'.\n";
        }
        return "tsproxy does not force a server's health; use 'set server <srv> state'.\n";
      }
      return "usage: set server <backend>/<server> health | state | weight\n";
    },
  },
  {
    words: ["get", "weight"],
    level: "user",
    help: ["get weight <bk>/<srv>", "report a server's current weight"],
    changes: false,
    run([target], ctx) {
      const t = findServer(ctx, target);
      if (!t.ok) return t.answer;
      return `${t.server.weight} (initial ${t.server.initialWeight})\n`;
    },
  },
  {
    words: ["set", "weight"],
    level: "operator",
    help: [
      "set weight <bk>/<srv>  (DEPRECATED)",
      "change a server's weight (use 'set server' instead)",
    ],
    changes: true,
    run: ([target, w], ctx) => weightCommand(ctx, target, w),
  },
  ...(["enable", "disable"] as const).map((verb): Command => ({
    words: [verb, "health"],
    level: "admin",
    help: [`${verb} health`, `${verb} health checks`],
    changes: true,
    run([target], ctx) {
      const t = findServer(ctx, target);
      if (!t.ok) return t.answer;
      if (!setHealthEnabled(t.server, verb === "enable") && verb === "enable") {
        return "Health check was not configured on this server, cannot enable.\n";
      }
      return "";
    },
  })),
  {
    words: ["set", "maxconn", "server"],
    level: "admin",
    help: ["set maxconn server <bk>/<srv>", "change a server's maxconn setting"],
    changes: true,
    run([target, value], ctx) {
      const t = findServer(ctx, target);
      if (!t.ok) return t.answer;
      const n = parseCount(value);
      if (n === null) return "Require <maxconn>.\n";
      setMaxconn(t.backend, t.server, n);
      return "";
    },
  },
  {
    words: ["shutdown", "sessions", "server"],
    level: "admin",
    help: ["shutdown sessions server <bk>/<srv>", "kill sessions on a server"],
    changes: true,
    run([target], ctx) {
      const t = findServer(ctx, target);
      if (!t.ok) return t.answer;
      for (const s of t.backend.sessionsOn(t.server)) s.serverShutdown("K");
      return "";
    },
  },
];
