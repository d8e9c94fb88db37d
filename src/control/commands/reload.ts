/** `reload`: reads and checks the config file again and, when valid, runs it (HAProxy's master CLI `reload`); `upgrade`: a binary upgrade. */
import type { Command } from "./context.ts";

/**
 * HAProxy 2.7+'s answer: `Success=1` or `Success=0`, a `--` line, then what the reload logged
 * (here: one line per change, or every error of the new config, which then changed nothing).
 */
export const reloadCommands: Command[] = [{
  words: ["reload"],
  level: "admin",
  help: ["reload", "reload the configuration (kept as is when the new one has errors)"],
  changes: true,
  async run(_args, ctx) {
    if (ctx.reload === null) return "Reload is not available here.\n";
    const r = await ctx.reload();
    const lines = r.ok ? r.changes : r.errors;
    return `Success=${r.ok ? 1 : 0}\n--\n${lines.map((l) => l + "\n").join("")}`;
  },
}, {
  words: ["upgrade"],
  level: "admin",
  help: ["upgrade", "binary upgrade: a new process takes the listening sockets, this one drains"],
  changes: true,
  async run(_args, ctx) {
    if (ctx.upgrade === null) return "Upgrade is not available here.\n";
    const r = await ctx.upgrade();
    const line = r.ok ? `new process ${r.pid} serves; this one drains` : r.reason;
    return `Success=${r.ok ? 1 : 0}\n--\n${line}\n`;
  },
}];
