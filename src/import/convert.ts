/** haproxy.cfg sections → tsproxy's config object, each key remembering its line, each loss listed. */
import type { CfgLine, CfgSection } from "./cfg_reader.ts";
import { GLOBAL_KEYWORDS } from "./global_keywords.ts";
import { PROXY_KEYWORDS } from "./proxy_keywords.ts";
import { parseServer } from "./server_line.ts";
import { finish } from "./finish.ts";
import { type ImportIssue, isRefusal, type Setting } from "./types.ts";

type Obj = Record<string, unknown>;

export interface Converted {
  config: Obj;
  issues: ImportIssue[];
  /** The haproxy.cfg line of each config path (`JSON.stringify(path)`), for check's messages. */
  lines: Map<string, number>;
}

/** What tsproxy's sections take (the rest of a line's keys is reported). */
const KEYS = {
  defaults: new Set([
    "acceptConnect",
    "allbackups",
    "balance",
    "compression",
    "errorfiles",
    "forwarded",
    "forwardedProto",
    "forwardfor",
    "hashBalanceFactor",
    "hashFunction",
    "hashType",
    "httpCheck",
    "httpConnectionMode",
    "httpReuse",
    "log",
    "maxconn",
    "mode",
    "redispatch",
    "retries",
    "retryOn",
    "stats",
    "timeout",
  ]),
  frontend: new Set([
    "acl",
    "bind",
    "compression",
    "defaultBackend",
    "errorfiles",
    "forwardfor",
    "httpConnectionMode",
    "httpRequest",
    "httpResponse",
    "log",
    "maxconn",
    "mode",
    "stats",
    "stickTable",
    "tcpRequest",
    "timeout",
    "useBackend",
  ]),
  backend: new Set([
    "acl",
    "allbackups",
    "balance",
    "compression",
    "cookie",
    "hashBalanceFactor",
    "hashFunction",
    "hashType",
    "httpCheck",
    "httpRequest",
    "httpResponse",
    "httpReuse",
    "mode",
    "redispatch",
    "retries",
    "retryOn",
    "servers",
    "stick",
    "stickTable",
    "tcpRequest",
    "timeout",
  ]),
};

/** Converts the sections read from a haproxy.cfg. */
export function convertCfg(sections: CfgSection[]): Converted {
  const config: Obj = { global: {}, defaults: {}, frontends: {}, backends: {} };
  const issues: ImportIssue[] = [];
  const lines = new Map<string, number>();
  const issue = (l: CfgLine, reason: string, ignored = false) =>
    issues.push({ line: l.line, keyword: l.words[0] ?? "", reason, ignored });
  let defaultServer: string[] = [];
  let defaultsSeen = false;

  /** Applies one setting to a section object at `root` (a config path), checking its keys. */
  const apply = (root: string[], obj: Obj, keys: Set<string>, s: Setting, l: CfgLine) => {
    if (!keys.has(s.path[0]!)) {
      issue(l, `${s.path[0]} is not a setting of tsproxy's ${root[0]} (not converted)`);
      return;
    }
    let node = obj;
    for (const k of s.path.slice(0, -1)) node = (node[k] ??= {}) as Obj;
    const last = s.path.at(-1)!;
    if (s.push) {
      const list = (node[last] ??= []) as unknown[];
      list.push(s.value);
      lines.set(JSON.stringify([...root, ...s.path, list.length - 1]), l.line);
    } else if (s.merge) node[last] = { ...(node[last] as Obj | undefined), ...(s.value as Obj) };
    else node[last] = s.value;
    lines.set(JSON.stringify([...root, ...s.path]), l.line);
  };

  for (const section of sections) {
    const { kind, name } = section;
    if (kind === "") {
      for (const l of section.lines) issue(l, "outside any section");
      continue;
    }
    if (kind === "global") {
      const g = config.global as Obj;
      for (const l of section.lines) {
        const h = GLOBAL_KEYWORDS[l.words[0]!];
        const r = h ? h(l) : { reason: `${l.words[0]}: not converted` };
        if (isRefusal(r)) issue(l, r.reason, r.ignored);
        else for (const s of r) apply(["global"], g, ANY, s, l);
      }
      continue;
    }
    if (!["defaults", "frontend", "backend", "listen"].includes(kind)) {
      const last = section.lines.at(-1)?.line ?? section.line;
      issue(section.header, `${kind} section (lines ${section.line}-${last}): not converted`);
      continue;
    }
    if (kind !== "defaults" && section.header.words.length > 2) {
      issue(
        section.header,
        `${kind} ${name} ${section.header.words[2]}: named defaults are not converted`,
      );
    }
    let fe: Obj | undefined, be: Obj | undefined;
    if (kind === "defaults") {
      if (defaultsSeen) issue(section.header, "a second defaults section: merged into the first");
      defaultsSeen = true;
      defaultServer = [];
    }
    if (kind === "frontend" || kind === "listen") fe = {};
    if (kind === "backend" || kind === "listen") be = { servers: [] };
    if (fe) lines.set(JSON.stringify(["frontends", name]), section.line);
    if (be) lines.set(JSON.stringify(["backends", name]), section.line);
    let ownDefaultServer = defaultServer;
    for (const l of section.lines) {
      const kw = l.words[0]!;
      if (kw === "server" || kw === "default-server") {
        if (kind === "defaults" || kw === "default-server") {
          if (kw === "server") issue(l, "server in defaults");
          else if (kind === "defaults") defaultServer = [...defaultServer, ...l.words.slice(1)];
          else ownDefaultServer = [...ownDefaultServer, ...l.words.slice(1)];
          continue;
        }
        if (be === undefined) {
          issue(l, "server in a frontend: HAProxy ignores it too", true);
          continue;
        }
        const p = parseServer(l.words, ownDefaultServer);
        if (p.problems.length > 0) issue(l, p.problems.join("; "));
        if (p.server.address === undefined) continue;
        apply(["backends", name], be, KEYS.backend, {
          side: "be",
          path: ["servers"],
          value: p.server,
          push: true,
        }, l);
        continue;
      }
      const h = PROXY_KEYWORDS[kw];
      const r = h ? h(l) : { reason: `${kw}: not converted` };
      if (isRefusal(r)) {
        issue(l, r.reason, r.ignored);
        continue;
      }
      for (const s of r) {
        if (kind === "defaults") {
          if (s.side === "rules") issue(l, `${kw} in defaults: not converted`);
          else apply(["defaults"], config.defaults as Obj, KEYS.defaults, s, l);
          continue;
        }
        const toFe = s.side === "fe" || s.side === "both" || (s.side === "rules" && fe);
        const toBe = s.side === "be" || s.side === "both" || (s.side === "rules" && !fe);
        if (toFe && fe) apply(["frontends", name], fe, KEYS.frontend, s, l);
        if (toBe && be) apply(["backends", name], be, KEYS.backend, s, l);
        if ((toFe && !fe && !toBe) || (toBe && !be && !toFe)) {
          issue(
            l,
            `a ${toFe ? "frontend" : "backend"} keyword in a ${kind}: HAProxy ignores it too`,
            true,
          );
        }
      }
    }
    if (fe && (kind === "frontend" || fe.bind !== undefined)) {
      if (kind === "listen" && be) fe.defaultBackend = name;
      (config.frontends as Obj)[name] = fe;
    }
    if (be) (config.backends as Obj)[name] = be;
  }
  for (const note of finish(config)) {
    const fe = /^frontend (\S+)/.exec(note)?.[1] ?? "";
    const line = lines.get(JSON.stringify(["frontends", fe])) ?? 0;
    issues.push({ line, keyword: "frontend", reason: note, ignored: true });
  }
  return { config, issues, lines };
}

const ANY = { has: () => true } as unknown as Set<string>;
