/** The keywords of defaults, frontend, backend and listen sections: one handler each, in a registry. */
import { parseBind } from "./bind_line.ts";
import { type CfgLine, rest } from "./cfg_reader.ts";
import { OPTIONS } from "./options.ts";
import { type Handler, refuse, type Setting, type Side } from "./types.ts";
import { duration, integer } from "./values.ts";

const set = (side: Side, path: string[], value: unknown): Setting[] => [{ side, path, value }];

/** A rule line kept as written after its keyword (tsproxy reads HAProxy's rule syntax). */
const ruleList = (key: string): Handler => (l) => {
  const text = rest(l, 1);
  if (text === "") return refuse("expects a rule");
  return [{ side: "rules", path: [key], value: text, push: true }];
};

/** `timeout NAME VALUE` → which side and key. */
const TIMEOUTS: Record<string, [Side, string]> = {
  client: ["fe", "client"],
  "http-request": ["fe", "httpRequest"],
  "http-keep-alive": ["fe", "httpKeepAlive"],
  tunnel: ["fe", "tunnel"],
  tarpit: ["both", "tarpit"],
  server: ["be", "server"],
  connect: ["be", "connect"],
  queue: ["be", "queue"],
  check: ["be", "check"],
};

const intKey = (side: Side, key: string): Handler => (l) => {
  const n = integer(l.words[1]);
  return n === undefined ? refuse(`expects a number`) : set(side, [key], n);
};

function timeout(l: CfgLine) {
  const [, name, value] = l.words;
  const target = TIMEOUTS[name ?? ""];
  if (target === undefined) return refuse(`timeout ${name ?? ""}: no such timeout in tsproxy`);
  const d = duration(value);
  if (d === undefined) return refuse(`timeout ${name}: cannot read "${value ?? ""}"`);
  return set(target[0], ["timeout", target[1]], d);
}

function hashType(l: CfgLine) {
  const [, method, fn, modifier] = l.words;
  if (method !== "map-based" && method !== "consistent") {
    return refuse(`hash-type ${method ?? ""}: tsproxy has map-based and consistent`);
  }
  const out = set("be", ["hashType"], method);
  const functions = ["sdbm", "djb2", "wt6", "crc32"];
  if (fn === undefined) return [...out, ...set("be", ["hashFunction"], "sdbm")];
  if (fn === "none") return refuse("hash-type function none: tsproxy always hashes the key");
  if (!functions.includes(fn)) return refuse(`hash-type function ${fn}: not in tsproxy`);
  if (modifier !== undefined && modifier !== "avalanche") {
    return refuse(`hash-type modifier ${modifier}: only avalanche`);
  }
  return [...out, ...set("be", ["hashFunction"], modifier ? `${fn} avalanche` : fn)];
}

/** `http-check expect ...` and `http-check send meth M uri U ver V hdr N V`. */
function httpCheck(l: CfgLine) {
  const [, what] = l.words;
  if (what === "expect") return set("be", ["httpCheck", "expect"], rest(l, 2));
  if (what !== "send") return refuse(`http-check ${what ?? ""}: tsproxy has expect and send`);
  const out: Setting[] = [];
  const w = l.words.slice(2);
  for (let i = 0; i < w.length; i += 2) {
    const [k, v] = [w[i], w[i + 1]];
    if (v === undefined) return refuse(`http-check send ${k}: expects a value`);
    if (k === "meth") out.push(...set("be", ["httpCheck", "method"], v));
    else if (k === "uri") out.push(...set("be", ["httpCheck", "uri"], v));
    else if (k === "ver") out.push(...set("be", ["httpCheck", "version"], v));
    else if (k === "hdr") {
      out.push({
        side: "be",
        path: ["httpCheck", "headers"],
        value: { [v]: w[i + 2] },
        merge: true,
      });
      i++;
    } else return refuse(`http-check send ${k}: not converted`);
  }
  return out;
}

function stickTable(l: CfgLine) {
  const table: Record<string, unknown> = {};
  const w = l.words.slice(1);
  for (let i = 0; i < w.length; i += 2) {
    const [k, v] = [w[i], w[i + 1]];
    if (v === undefined) return refuse(`stick-table ${k}: expects a value`);
    if (k === "type") table.type = v;
    else if (k === "size") table.size = /^\d+$/.test(v) ? Number(v) : v;
    else if (k === "expire") table.expire = duration(v) ?? v;
    else if (k === "len") table.len = integer(v);
    else if (k === "store") table.store = v.split(",");
    else return refuse(`stick-table ${k}: not converted (peers, nopurge, write-to)`);
  }
  return set("rules", ["stickTable"], table);
}

/** `stats uri|refresh|auth|realm|admin|hide-version|enable`. */
function stats(l: CfgLine) {
  const [, what, value] = l.words;
  switch (what) {
    case "enable":
      return [{ side: "fe", path: ["stats"], value: {}, merge: true }] as Setting[];
    case "uri":
    case "realm":
      return set("fe", ["stats", what], what === "realm" ? rest(l, 2) : value);
    case "refresh":
      return set("fe", ["stats", "refresh"], duration(value) ?? value);
    case "hide-version":
      return set("fe", ["stats", "hideVersion"], true);
    case "auth":
      return [{ side: "fe", path: ["stats", "auth"], value, push: true }] as Setting[];
    case "admin":
      return set("fe", ["stats", "admin"], rest(l, 2));
    default:
      return refuse(`stats ${what ?? ""}: not converted`);
  }
}

function compression(l: CfgLine) {
  const [, what] = l.words;
  const values = l.words.slice(2);
  if (what === "algo") return set("both", ["compression", "algo"], values);
  if (what === "type") return set("both", ["compression", "type"], values);
  if (what === "offload") return set("both", ["compression", "offload"], true);
  return refuse(`compression ${what ?? ""}: not converted`);
}

export const PROXY_KEYWORDS: Record<string, Handler> = {
  mode: (l) =>
    l.words[1] === "http" || l.words[1] === "tcp"
      ? set("both", ["mode"], l.words[1])
      : refuse(`mode ${l.words[1] ?? ""}: tsproxy has http and tcp`),
  bind: (l) => {
    const b = parseBind(l.words);
    if (b.problems.length > 0) return refuse(b.problems.join("; "));
    return b.binds.map((value) => ({ side: "fe", path: ["bind"], value, push: true }));
  },
  maxconn: intKey("fe", "maxconn"),
  default_backend: (l) => set("fe", ["defaultBackend"], l.words[1]),
  use_backend: ruleList("useBackend"),
  acl: ruleList("acl"),
  "http-request": ruleList("httpRequest"),
  "http-response": ruleList("httpResponse"),
  "tcp-request": ruleList("tcpRequest"),
  timeout,
  balance: (l) => set("be", ["balance"], rest(l, 1)),
  "hash-type": hashType,
  "hash-balance-factor": intKey("be", "hashBalanceFactor"),
  retries: intKey("be", "retries"),
  "retry-on": (l) => set("be", ["retryOn"], rest(l, 1)),
  option: (l) => {
    const handler = OPTIONS[l.words[1] ?? ""];
    return handler ? handler(l, true) : refuse(`option ${l.words[1] ?? ""}: not converted`);
  },
  no: (l) => {
    const handler = l.words[1] === "option" ? OPTIONS[l.words[2] ?? ""] : undefined;
    const shifted = { ...l, words: l.words.slice(1), starts: l.starts.slice(1) };
    return handler ? handler(shifted, false) : refuse(`no ${rest(l, 1)}: not converted`);
  },
  "http-check": httpCheck,
  "stick-table": stickTable,
  // `stick on|match|store-request|store-response ...`: a backend's (a listen's backend part)
  stick: (l) =>
    rest(l, 1) === ""
      ? refuse("expects on, match, store-request or store-response")
      : [{ side: "be", path: ["stick"], value: rest(l, 1), push: true }],
  stats,
  errorfile: (l) =>
    l.words[2] === undefined
      ? refuse("expects a status and a file")
      : [{ side: "fe", path: ["errorfiles"], value: { [l.words[1]!]: l.words[2] }, merge: true }],
  compression,
  cookie: (l) => set("be", ["cookie"], rest(l, 1)),
  "http-reuse": (l) =>
    l.words[1] === "safe" || l.words[1] === "never"
      ? set("be", ["httpReuse"], l.words[1])
      : refuse(`http-reuse ${l.words[1] ?? ""}: tsproxy has safe and never`),
  log: (l) =>
    l.words[1] === "global"
      ? refuse("log global: tsproxy logs through global.log", true)
      : refuse("a section's own log target: tsproxy has one, global.log"),
  description: () => refuse("description: not kept", true),
  enabled: () => [],
};
