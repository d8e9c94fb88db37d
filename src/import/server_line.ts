/** `server NAME ADDR [params]` and `default-server [params]` → a server of tsproxy's config. */
import { address, duration, integer } from "./values.ts";

type Server = Record<string, unknown>;
/** How one parameter reads its value (the next word) into the server; a string is a problem. */
type Param = (s: Server, value: string | undefined) => string | undefined;

const flag = (key: string, v: boolean = true): Param => (s) => {
  s[key] = v;
  return undefined;
};
const int = (key: string): Param => (s, v) => {
  const n = integer(v);
  if (n === undefined) return `expects a number, not "${v ?? ""}"`;
  s[key] = n;
  return undefined;
};
const time = (key: string): Param => (s, v) => {
  const d = duration(v);
  if (d === undefined) return `expects a duration, not "${v ?? ""}"`;
  s[key] = d;
  return undefined;
};
const text = (key: string): Param => (s, v) => {
  if (v === undefined) return "expects a value";
  s[key] = v;
  return undefined;
};

/** Parameters taking a value (the next word). */
const WITH_VALUE: Record<string, Param> = {
  weight: int("weight"),
  maxconn: int("maxconn"),
  maxqueue: int("maxqueue"),
  rise: int("rise"),
  fall: int("fall"),
  inter: time("inter"),
  fastinter: time("fastinter"),
  downinter: time("downinter"),
  slowstart: time("slowstart"),
  port: int("port"),
  addr: text("addr"),
  id: int("id"),
  cookie: text("cookie"),
  "ca-file": text("caFile"),
  crt: text("crt"),
  sni: text("sni"),
  observe: text("observe"),
  "error-limit": int("errorLimit"),
  "on-error": text("onError"),
  "on-marked-down": text("onMarkedDown"),
  "on-marked-up": text("onMarkedUp"),
  verify: text("verify"),
  alpn: (s, v) => {
    if (v === undefined) return "expects a value";
    s.alpn = v.split(",");
    return undefined;
  },
};

/** Parameters standing alone. */
const FLAGS: Record<string, Param> = {
  check: flag("check"),
  "no-check": flag("check", false),
  backup: flag("backup"),
  "no-backup": flag("backup", false),
  disabled: flag("disabled"),
  enabled: flag("disabled", false),
  "send-proxy": flag("sendProxy"),
  "send-proxy-v2": flag("sendProxyV2"),
  "no-send-proxy": flag("sendProxy", false),
  ssl: flag("ssl"),
  "no-ssl": flag("ssl", false),
  "check-ssl": flag("checkSsl"),
  "no-check-ssl": flag("checkSsl", false),
};

/** Parameters that change nothing tsproxy does (names, resolution at start). */
const IGNORED = new Set(["init-addr", "resolve-prefer", "check-send-proxy", "agent-port"]);

export interface ParsedServer {
  server: Server;
  /** "PARAM: why", for each parameter not converted. */
  problems: string[];
  /** Parameters ignored (no effect on tsproxy). */
  ignored: string[];
}

/** Reads `params` (after the name and address, or after `default-server`) into `server`. */
export function applyServerParams(server: Server, params: string[]): ParsedServer {
  const problems: string[] = [], ignored: string[] = [];
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    const f = FLAGS[p];
    if (f) {
      f(server, undefined);
      continue;
    }
    const w = WITH_VALUE[p];
    if (w) {
      const problem = w(server, params[++i]);
      if (problem) problems.push(`${p}: ${problem}`);
      continue;
    }
    if (IGNORED.has(p)) {
      ignored.push(p);
      i++;
      continue;
    }
    problems.push(`${p}: no such server setting in tsproxy`);
  }
  return { server, problems, ignored };
}

/** `server NAME ADDR params...` on top of the section's default-server parameters. */
export function parseServer(words: string[], defaults: string[]): ParsedServer {
  const [, name, addr, ...params] = words;
  const server: Server = { name };
  const base = applyServerParams(server, defaults);
  const own = applyServerParams(server, params);
  const problems = [...base.problems, ...own.problems];
  const a = addr === undefined ? undefined : address(addr);
  if (name === undefined || addr === undefined) problems.unshift("expects a name and an address");
  else if (a === undefined) {
    problems.unshift(`address "${addr}": tsproxy needs host:port (no unix sockets, no port-less)`);
  } else server.address = a;
  // tsproxy's server keys follow the object's order: name, address, then the rest
  const { name: n, address: at, ...others } = server;
  return {
    server: { name: n, ...(at === undefined ? {} : { address: at }), ...others },
    problems,
    ignored: [...base.ignored, ...own.ignored],
  };
}
