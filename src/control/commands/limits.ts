/** Process and frontend limits (set maxconn, set rate-limit sessions) and clear counters. */
import { ServerCounters } from "../../stats/counters.ts";
import type { Command } from "./context.ts";
import { parseCount } from "./target.ts";

/** Resets the fields of `counters` to those of a fresh `fresh` (same class), in place. */
function reset(counters: object, fresh: object): void {
  Object.assign(counters, fresh);
}

export const limitCommands: readonly Command[] = [
  {
    words: ["set", "maxconn", "frontend"],
    level: "admin",
    help: ["set maxconn frontend <frontend> <value>", "change a frontend's maxconn setting"],
    changes: true,
    run([name, value], ctx) {
      if (name === undefined) return "A frontend name is expected.\n";
      const fe = ctx.proxy.frontends.find((f) => f.name === name);
      if (!fe) return "No such frontend.\n";
      const n = parseCount(value);
      if (n === null || n === 0) return "Integer value expected.\n";
      fe.maxconn = n;
      fe.admit();
      return "";
    },
  },
  {
    words: ["set", "maxconn", "global"],
    level: "admin",
    help: ["set maxconn global <value>", "change the per-process maxconn setting"],
    changes: true,
    run([value], ctx) {
      const n = parseCount(value);
      if (n === null || n === 0) return "Expects an integer value.\n";
      ctx.proxy.admission.maxconn = n;
      ctx.proxy.admission.changed();
      return "";
    },
  },
  {
    words: ["set", "rate-limit", "sessions", "global"],
    level: "admin",
    help: ["set rate-limit sessions global <value>", "change the process's session rate limit"],
    changes: true,
    run([value], ctx) {
      const n = parseCount(value);
      if (n === null) return "Expects an integer value.\n";
      ctx.proxy.admission.rateLimitSessions = n;
      ctx.proxy.admission.changed();
      return "";
    },
  },
  {
    words: ["clear", "counters"],
    level: "operator",
    help: ["clear counters [all]", "clear max statistics counters (or all counters)"],
    changes: true,
    run([all], ctx, actor) {
      if (all === "all" && actor.level !== "admin") return "Permission denied\n";
      for (const be of ctx.proxy.backends.values()) {
        be.max = be.cur;
        for (const s of be.servers) {
          s.max = s.cur;
          if (all === "all") reset(s.counters, new ServerCounters());
        }
        if (all === "all") reset(be.counters, new (be.counters.constructor as new () => object)());
      }
      for (const fe of ctx.proxy.frontends) {
        fe.max = fe.cur;
        if (all === "all") reset(fe.counters, new (fe.counters.constructor as new () => object)());
      }
      return "";
    },
  },
];
