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
  inter: 1,
  rise: 1,
  fall: 1,
  check: 0,
  backup: 0,
  disabled: 0,
  enabled: 0,
  "send-proxy": 0,
  "send-proxy-v2": 0,
};

/** A new server's health check (`check`, TCP connect), with its `inter`/`rise`/`fall`. */
export interface AddedCheck {
  inter: number;
  rise: number;
  fall: number;
}

/** What `add server` asks for: the server, and its check or null. */
export interface AddServerSpec {
  readonly server: ServerOptions;
  readonly check: AddedCheck | null;
}

/** A duration word: milliseconds, or with unit ms/s/m; null when it is none. */
function parseMs(text: string | undefined): number | null {
  const m = text?.match(/^(\d+)(ms|s|m)?$/);
  if (!m) return null;
  return Number(m[1]) * (m[2] === "s" ? 1000 : m[2] === "m" ? 60000 : 1);
}

/** Parses `ADDR[:PORT] [keyword value]...` into server options, or returns the error answer. */
export function parseAddServer(name: string, words: readonly string[]): AddServerSpec | string {
  const addr = words[0];
  const m = addr?.match(/^(\[[^\]]+\]|[^:]+|[0-9a-fA-F:]+):(\d{1,5})$/);
  if (!addr || !m) return `'server' expects <name> and <addr>:<port> as arguments.\n`;
  let check: AddedCheck | null = null;
  const checkParams: AddedCheck = { inter: 2000, rise: 2, fall: 3 };
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
      if (kw === "inter") {
        const ms = parseMs(value);
        if (ms === null || ms === 0) return `'inter' expects a positive delay.\n`;
        checkParams.inter = ms;
        i++;
        continue;
      }
      const n = kw === "cookie" ? null : parseCount(value);
      if (kw !== "cookie" && n === null) return `'${kw}' expects an integer argument.\n`;
      if ((kw === "rise" || kw === "fall") && n! < 1) {
        return `'${kw}' expects a positive integer.\n`;
      }
      if (kw === "weight" && n! > 256) return "weight of server must be between 0 and 256.\n";
      if (kw === "weight") o.weight = n!;
      else if (kw === "maxconn") o.maxconn = n!;
      else if (kw === "maxqueue") o.maxqueue = n!;
      else if (kw === "id") o.id = n!;
      else if (kw === "slowstart") o.slowstart = n!;
      else if (kw === "rise") checkParams.rise = n!;
      else if (kw === "fall") checkParams.fall = n!;
      else o.cookie = value ?? "";
      i++;
    } else if (kw === "check") check = checkParams;
    else if (kw === "backup") o.backup = true;
    else if (kw === "send-proxy") o.sendProxy = true;
    else if (kw === "send-proxy-v2") o.sendProxyV2 = true;
  }
  // HAProxy 2.6: a dynamic server starts in maintenance; `enable server` (or `set server ... state
  // ready`) puts it in service, so it can be checked and configured first
  o.disabled = true;
  return { server: o, check };
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
      const spec = parseAddServer(name, words);
      if (typeof spec === "string") return spec;
      const o = spec.server;
      if (o.id !== undefined && backend.servers.some((s) => s.id === o.id)) {
        return `'server ${name}' : custom id ${o.id} already used.\n`;
      }
      const server = backend.addServer(o);
      if (spec.check !== null) {
        // HAProxy: a dynamic server's check is off until `enable health`
        server.healthEnabled = false;
        const { inter, rise, fall } = spec.check;
        ctx.proxy.checks.add(
          {
            backend: backend.name,
            server: name,
            host: o.host,
            port: o.port,
            rise,
            fall,
            inter,
            fastinter: inter,
            downinter: inter,
            connectTimeout: backend.connectTimeout,
            checkTimeout: null,
            http: null,
          },
          backend,
          server,
        );
      }
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
