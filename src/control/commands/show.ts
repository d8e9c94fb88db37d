/** The read-only `show` commands: info, stat, servers state, backend, errors, sess. */
import type { ErrorCapture } from "../../stats/error_captures.ts";
import type { Command, ControlContext } from "./context.ts";
import { SERVERS_STATE_HEADER, serverStateLine } from "./servers_state.ts";

/** HAProxy's log date: 07/Dec/2026:07:19:02.643 (UTC here). */
export function logDate(ms: number): string {
  const d = new Date(ms);
  const mon = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ")[d.getUTCMonth()];
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:` +
    `${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}`;
}

function showServersState(ctx: ControlContext, name: string | undefined): string {
  const all = [...ctx.proxy.backends.values()];
  if (name !== undefined && !ctx.proxy.backends.has(name)) return "Can't find backend.\n";
  const now = Date.now();
  let out = `1\n${SERVERS_STATE_HEADER}\n`;
  all.forEach((be, i) => {
    if (name !== undefined && be.name !== name) return;
    for (const s of be.servers) out += serverStateLine(i + 1, be, s, now) + "\n";
  });
  return out;
}

/** HAProxy's hex-and-text dump of captured bytes, 16 per line, non-printables escaped. */
function dumpBytes(bytes: Uint8Array): string {
  let out = "", line = "";
  for (let i = 0; i < bytes.length; i++) {
    if (line === "") line = `  ${String(i).padStart(5, "0")}  `;
    const b = bytes[i]!;
    line += b === 0x0d
      ? "\\r"
      : b === 0x0a
      ? "\\n"
      : b >= 0x20 && b < 0x7f
      ? String.fromCharCode(b)
      : `\\x${b.toString(16).padStart(2, "0")}`;
    if (b === 0x0a || line.length > 72) {
      out += line + "\n";
      line = "";
    }
  }
  return line === "" ? out : out + line + "\n";
}

function showErrors(ctx: ControlContext): string {
  let total = 0;
  const captures: ErrorCapture[] = [];
  for (const fe of ctx.proxy.frontends) {
    const c = fe.mode === "http" ? fe.http.captures : undefined;
    if (!c) continue;
    total += c.total;
    if (c.last) captures.push(c.last);
  }
  let out = `Total events captured on [${logDate(Date.now())}] : ${total}\n`;
  for (const e of captures) {
    out += `\n[${logDate(e.at)}] frontend ${e.frontend}: invalid request\n` +
      `  backend <NONE>, server <NONE>, src ${e.src}\n` +
      `  len ${e.bytes.length}, error at position ${e.position} (${e.reason})\n\n` +
      dumpBytes(e.bytes);
  }
  return out;
}

export const showCommands: readonly Command[] = [
  {
    words: ["show", "info"],
    level: "user",
    help: ["show info", "report information about the running process"],
    changes: false,
    run: (_args, ctx) => ctx.renderers.renderInfo(ctx.proxy),
  },
  {
    words: ["show", "stat"],
    level: "user",
    help: ["show stat [json|typed]", "report counters for each proxy and server"],
    changes: false,
    run(args, ctx) {
      if (args.includes("json")) return ctx.renderers.renderJson(ctx.proxy);
      if (args.includes("typed")) return ctx.renderers.renderTyped(ctx.proxy);
      return ctx.renderers.renderCsv(ctx.proxy);
    },
  },
  {
    words: ["show", "servers", "state"],
    level: "user",
    help: [
      "show servers state [<backend>]",
      "dump volatile server information (all or for a single backend)",
    ],
    changes: false,
    run: ([name], ctx) => showServersState(ctx, name),
  },
  {
    words: ["show", "backend"],
    level: "user",
    help: ["show backend", "list backends in the current running config"],
    changes: false,
    run: (_args, ctx) => `# name\n${[...ctx.proxy.backends.keys()].map((n) => n + "\n").join("")}`,
  },
  {
    words: ["show", "errors"],
    level: "admin",
    help: ["show errors", "report last request errors for each proxy"],
    changes: false,
    run: (_args, ctx) => showErrors(ctx),
  },
  {
    words: ["show", "sess"],
    level: "admin",
    help: ["show sess", "report the sessions open, per frontend and server"],
    changes: false,
    run(_args, ctx) {
      let out = "";
      for (const fe of ctx.proxy.frontends) {
        out += `fe=${fe.name} cur=${fe.cur} waiting=${fe.waiting}\n`;
      }
      for (const be of ctx.proxy.backends.values()) {
        for (const s of be.servers) out += `be=${be.name} srv=${s.name} cur=${s.cur}\n`;
      }
      return out;
    },
  },
];
