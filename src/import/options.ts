/** `option NAME ...` (and `no option NAME`) of proxy sections: one handler per option, in a registry. */
import type { CfgLine } from "./cfg_reader.ts";
import { type Refusal, refuse, type Setting } from "./types.ts";

/** `on` is false for `no option NAME`; `l.words` starts at `option`. */
type OptionHandler = (l: CfgLine, on: boolean) => Setting[] | Refusal;

const one = (side: Setting["side"], path: string[], value: unknown): Setting[] => [
  { side, path, value },
];

const connectionMode = (mode: string): OptionHandler => (_l, on) =>
  on ? one("fe", ["httpConnectionMode"], mode) : refuse(`no option ${mode}: not converted`);

function forwardfor(l: CfgLine, on: boolean) {
  if (!on) return one("fe", ["forwardfor"], false);
  const o: Record<string, string> = {};
  const w = l.words.slice(2);
  for (let i = 0; i < w.length; i += 2) {
    if (w[i] === "except" && w[i + 1]) o.except = w[i + 1]!;
    else if (w[i] === "header" && w[i + 1]) o.header = w[i + 1]!;
    else return refuse(`option forwardfor ${w[i]}: not converted (if-none)`);
  }
  return one("fe", ["forwardfor"], Object.keys(o).length > 0 ? o : true);
}

/** `option httpchk [METHOD] [URI] [VERSION]` (the 1-argument form is the URI). */
function httpchk(l: CfgLine, on: boolean) {
  if (!on) return refuse("no option httpchk: not converted");
  const args = l.words.slice(2);
  const check: Record<string, string> = {};
  if (args.length === 1) check.uri = args[0]!;
  else if (args.length >= 2) {
    check.method = args[0]!;
    check.uri = args[1]!;
    if (args[2] !== undefined) check.version = args[2];
    if (args.length > 3) {
      return refuse("option httpchk: a version with headers (\\r\\n) is not converted");
    }
  }
  return [{ side: "be", path: ["httpCheck"], value: check, merge: true }] as Setting[];
}

function redispatch(l: CfgLine, on: boolean) {
  if (!on) return one("be", ["redispatch"], false);
  const interval = l.words[2];
  if (interval === undefined) return one("be", ["redispatch"], true);
  const n = /^-?\d+$/.test(interval) ? Number(interval) : undefined;
  return n === undefined ? refuse(`option redispatch ${interval}: expects a number`) : one(
    "be",
    ["redispatch"],
    n === 0 ? false : n,
  );
}

const ignored = (why: string): OptionHandler => () => refuse(why, true);

export const OPTIONS: Record<string, OptionHandler> = {
  httplog: (l, on) =>
    l.words[2] === "clf"
      ? refuse("option httplog clf: tsproxy has httplog, tcplog and json")
      : one("fe", ["log"], on ? "httplog" : "off"),
  tcplog: (_l, on) => one("fe", ["log"], on ? "tcplog" : "off"),
  forwardfor,
  "http-keep-alive": connectionMode("http-keep-alive"),
  "http-server-close": connectionMode("http-server-close"),
  httpclose: connectionMode("httpclose"),
  redispatch,
  allbackups: (_l, on) => one("be", ["allbackups"], on),
  httpchk,
  dontlognull: ignored("option dontlognull: tsproxy logs every connection"),
  "log-health-checks": ignored("option log-health-checks: checks log their changes anyway"),
  "splice-auto": ignored("option splice-auto: no splicing in tsproxy"),
  "splice-request": ignored("option splice-request: no splicing in tsproxy"),
  "splice-response": ignored("option splice-response: no splicing in tsproxy"),
  "http-use-htx": ignored("option http-use-htx: always"),
  "tcp-smart-accept": ignored("option tcp-smart-accept: a kernel tuning"),
  "tcp-smart-connect": ignored("option tcp-smart-connect: a kernel tuning"),
  "log-separate-errors": ignored("option log-separate-errors: one log level"),
};
