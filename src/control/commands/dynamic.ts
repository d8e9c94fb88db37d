/** add server / del server: servers created and removed at run time (HAProxy 2.6 semantics). */
import type { ServerOptions } from "../../backend/server.ts";
import { getLogger } from "@logtape/logtape";
import type { Command } from "./context.ts";
import { findServer, parseCount } from "./target.ts";

const log = getLogger(["tsproxy", "server"]);

/** The keywords `add server` takes after the address, each with how many values follow. */
const KEYWORDS: Readonly<Record<string, number>> = {
  weight: 1,
  maxconn: 1,
  maxqueue: 1,
  id: 1,
  cookie: 1,
  slowstart: 1,
  check: 0,
  backup: 0,
  disabled: 0,
  enabled: 0,
  "send-proxy": 0,
  "send-proxy-v2": 0,
};

/** Parses `ADDR[:PORT] [keyword value]...` into server options, or returns the error answer. */
export function parseAddServer(name: string, words: readonly string[]): ServerOptions | string {
  const addr = words[0];
  const m = addr?.match(/^(\[[^\]]+\]|[^:]+|[0-9a-fA-F:]+):(\d{1,5})$/);
  if (!addr || !m) return `'server' expects <name> and <addr>:<port> as arguments.\n`;
  const o: ServerOptions = {
    name,
    host: m[1]!.replace(/^\[|\]$/g, ""),
    port: Number(m[2]),
    weight: 1,
  };
  for (let i = 1; i < words.length; i++) {
    const kw = words[i]!;
    const arity = KEYWORDS[kw];
    if (arity === undefined) return `'server ${name}' : unknown keyword '${kw}'.\n`;
    const value = words[i + 1];
    if (arity === 1) {
      const n = kw === "cookie" ? null : parseCount(value);
      if (kw !== "cookie" && n === null) return `'${kw}' expects an integer argument.\n`;
      if (kw === "weight" && n! > 256) return "weight of server must be between 0 and 256.\n";
      if (kw === "weight") o.weight = n!;
      else if (kw === "maxconn") o.maxconn = n!;
      else if (kw === "maxqueue") o.maxqueue = n!;
      else if (kw === "id") o.id = n!;
      else if (kw === "slowstart") o.slowstart = n!;
      else o.cookie = value ?? "";
      i++;
    } else if (kw === "backup") o.backup = true;
    else if (kw === "send-proxy") o.sendProxy = true;
    else if (kw === "send-proxy-v2") o.sendProxyV2 = true;
  }
  // HAProxy 2.6: a dynamic server starts in maintenance; `enable server` (or `set server ... state
  // ready`) puts it in service, so it can be checked and configured first
  o.disabled = true;
  return o;
}

export const dynamicCommands: readonly Command[] = [
  {
    words: ["add", "server"],
    level: "admin",
    help: ["add server <bk>/<srv>", "create a new server"],
    changes: true,
    run([target, ...words], ctx) {
      const slash = target?.indexOf("/") ?? -1;
      if (target === undefined || slash < 0) return "Require 'backend/server'.\n";
      const backend = ctx.proxy.backends.get(target.slice(0, slash));
      if (!backend) return "No such backend.\n";
      const name = target.slice(slash + 1);
      if (!backend.dynamic) {
        return "Backend must use a dynamic load balancing to support dynamic servers.\n";
      }
      if (backend.servers.some((s) => s.name === name)) {
        return "Already exists a server with the same name in backend.\n";
      }
      const o = parseAddServer(name, words);
      if (typeof o === "string") return o;
      if (o.id !== undefined && backend.servers.some((s) => s.id === o.id)) {
        return `'server ${name}' : custom id ${o.id} already used.\n`;
      }
      backend.addServer(o);
      log.info`CLI : 'server ${backend.name}/${name}' : New server registered.`;
      return "New server registered.\n";
    },
  },
  {
    words: ["del", "server"],
    level: "admin",
    help: ["del server <bk>/<srv>", "remove a dynamically added server"],
    changes: true,
    run([target], ctx) {
      const t = findServer(ctx, target);
      if (!t.ok) return t.answer;
      if (t.server.state !== "MAINT") return "Only servers in maintenance mode can be deleted.\n";
      if (t.server.cur > 0) {
        return "Server still has connections attached to it, cannot remove it.\n";
      }
      t.backend.removeServer(t.server);
      log.info`CLI : Server deleted.`;
      return "Server deleted.\n";
    },
  },
];
