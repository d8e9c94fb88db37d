/** The keywords of the global section: one handler each, in a registry. */
import { type CfgLine, rest } from "./cfg_reader.ts";
import { type Handler, type Refusal, refuse, type Setting } from "./types.ts";
import { duration, integer } from "./values.ts";

const one = (path: string[], value: unknown): Setting[] => [{ side: "both", path, value }];
const ignored = (why: string): Handler => () => refuse(why, true);

/** `log TARGET [len N] [format F] FACILITY [LEVEL [MINLEVEL]]` → global.log (and syslog). */
function log(l: CfgLine): Setting[] | Refusal {
  const w = l.words.slice(1);
  const target = w.shift();
  if (target === undefined) return refuse("expects a target");
  const syslog: Record<string, unknown> = {};
  while (w[0] === "len" || w[0] === "format" || w[0] === "sample") {
    const [k, v] = [w.shift(), w.shift()];
    if (k === "len") syslog.len = integer(v);
    else if (k === "format" && (v === "rfc5424" || v === "rfc3164")) syslog.framing = v;
    else return refuse(`log ${k} ${v ?? ""}: not converted`);
  }
  if (w[0] !== undefined) syslog.facility = w[0];
  if (w[1] !== undefined) return refuse(`log level ${w[1]}: tsproxy logs every level given -l`);
  let to: string;
  if (target === "stdout" || target === "stderr") to = target;
  else if (target.startsWith("/")) to = `unix://${target}`;
  else if (/^udp[46]?@/.test(target)) to = `udp://${target.replace(/^udp[46]?@/, "")}`;
  else if (/^tcp[46]?@/.test(target)) to = `tcp://${target.replace(/^tcp[46]?@/, "")}`;
  else if (/^[\w.-]+(:\d+)?$/.test(target) || /^\[[0-9a-f:]+\](:\d+)?$/i.test(target)) {
    to = `udp://${target}`;
  } else return refuse(`log target ${target}: not converted`);
  // HAProxy's stdout/stderr lines are syslog-framed; tsproxy writes plain lines there
  const out = one(["log"], to);
  if (Object.keys(syslog).length > 0 && to.includes("://")) out.push(...one(["syslog"], syslog));
  return out;
}

/** `stats socket PATH|ADDR [level L] [mode M]` → global.statsSocket. */
function stats(l: CfgLine): Setting[] | Refusal {
  if (l.words[1] !== "socket") return refuse(`stats ${l.words[1] ?? ""}: not converted`, true);
  const where = (l.words[2] ?? "").replace(/^(ipv4|ipv6|unix)@/, "");
  const socket: Record<string, unknown> = where.startsWith("/")
    ? { path: where }
    : { address: where };
  const w = l.words.slice(3);
  for (let i = 0; i < w.length; i += 2) {
    if (w[i] === "level") socket.level = w[i + 1];
    else if (w[i] === "mode") socket.mode = w[i + 1];
    else if (w[i] === "expose-fd") i++;
    else return refuse(`stats socket ${w[i]}: not converted`);
  }
  return one(["statsSocket"], socket);
}

export const GLOBAL_KEYWORDS: Record<string, Handler> = {
  maxconn: (l) => {
    const n = integer(l.words[1]);
    return n === undefined ? refuse("expects a number") : one(["maxconn"], n);
  },
  "hard-stop-after": (l) => {
    const d = duration(l.words[1]);
    return d === undefined ? refuse("expects a duration") : one(["hardStopAfter"], d);
  },
  "tune.bufsize": (l) => one(["tune", "bufsize"], integer(l.words[1])),
  // HAProxy counts the request line in maxhdr: 101 admits 100 fields, tsproxy's maxHeaders 100
  "tune.http.maxhdr": (l) => one(["tune", "maxHeaders"], (integer(l.words[1]) ?? 101) - 1),
  log,
  stats,
  "log-send-hostname": (l) =>
    l.words[1] === undefined
      ? refuse("needs a name", true)
      : one(["syslog", "hostname"], l.words[1]),
  "log-tag": (l) => one(["syslog", "tag"], rest(l, 1)),
  nbthread: ignored("nbthread: tsproxy runs one event loop"),
  nbproc: ignored("nbproc: one process"),
  daemon: ignored("daemon: run it under systemd (install.sh --systemd)"),
  "master-worker": ignored("master-worker: one process"),
  user: ignored("user: run it as a user (systemd's User=)"),
  group: ignored("group: run it as a group (systemd's Group=)"),
  uid: ignored("uid: systemd's User="),
  gid: ignored("gid: systemd's Group="),
  chroot: ignored("chroot: systemd's RootDirectory= or ProtectSystem="),
  pidfile: ignored("pidfile: systemd tracks the process"),
  "ca-base": (l) => refuse(`ca-base ${l.words[1] ?? ""}: write full paths (not converted)`),
  "crt-base": (l) => refuse(`crt-base ${l.words[1] ?? ""}: write full paths (not converted)`),
  "ssl-default-bind-ciphers": ignored("ssl-default-bind-ciphers: set ciphers per bind"),
  "ssl-default-bind-ciphersuites": ignored("ssl-default-bind-ciphersuites: the runtime's TLS 1.3"),
  "ssl-default-bind-options": ignored("ssl-default-bind-options: TLS 1.2+ by default"),
  "ssl-default-server-ciphers": ignored("ssl-default-server-ciphers: the runtime's defaults"),
  "ssl-default-server-options": ignored("ssl-default-server-options: the runtime's defaults"),
  "tune.ssl.default-dh-param": ignored("tune.ssl.default-dh-param: no DHE in tsproxy's defaults"),
  "spread-checks": ignored("spread-checks: checks are spread over one interval"),
};
