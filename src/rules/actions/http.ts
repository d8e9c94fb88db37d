/** The http-request and http-response action keywords (HAProxy's http_act.c): one definition each, compiled per line. */
import { getHeader, removeHeader, setHeader } from "../../http1/headers.ts";
import { fail } from "../_fail.ts";
import { varArg } from "../_prepare.ts";
import { pathStart } from "../fetches/_message.ts";
import { compileSample } from "../sample.ts";
import { RuleFailure } from "../_fail.ts";
import type { Word } from "../tokenize.ts";
import { ArgumentError, type Need } from "../types.ts";
import { compileLogFormat, type LogFormat } from "./log_format.ts";
import type { HttpRuleTarget, RuleSide, Verdict } from "./types.ts";

/** A fetch an action's arguments read (a `%[...]` sample), for the request/response check. */
export interface ArgUse {
  fetch: string;
  needs: Need;
  column: number;
}

/** What compiling an action's arguments gives: the closure to run and what it reads. */
export interface CompiledAction {
  run(t: HttpRuleTarget): Verdict | undefined;
  uses: ArgUse[];
}

/** An action keyword: where it may appear and how its arguments compile. */
export interface ActionDef {
  name: string;
  sides: readonly RuleSide[];
  /** `kw` is the keyword word, `args` the words up to `if`/`unless`; `arg` is the text in `set-var(arg)`. */
  compile(kw: Word, args: readonly Word[], side: RuleSide, arg: string | undefined): CompiledAction;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Fields that frame the body: rewriting them after the framing was read would desynchronise the peers. */
const FRAMING = new Set(["content-length", "transfer-encoding"]);
const REDIRECT_CODES = [301, 302, 303, 307, 308];
/** A rewrite whose result cannot go on the wire (a control character) fails the request, as HAProxy's strict mode. */
const REWRITE_FAILED: Verdict = { type: "deny", status: 500 };

function word(args: readonly Word[], i: number, kw: Word, what: string): Word {
  return args[i] ??
    fail(`"${kw.text}" needs ${what}`, kw.text, (args[i - 1] ?? kw).column);
}

function noMore(args: readonly Word[], n: number, kw: Word): void {
  const extra = args[n];
  if (extra) {
    fail(
      `unexpected "${extra.text}" after the arguments of "${kw.text}"`,
      extra.text,
      extra.column,
      `conditions start with "if" or "unless"`,
    );
  }
}

function headerName(w: Word): string {
  if (!TOKEN.test(w.text)) fail(`invalid header name "${w.text}"`, w.text, w.column);
  if (FRAMING.has(w.text.toLowerCase())) {
    fail(`"${w.text}" frames the body and cannot be changed by a rule`, w.text, w.column);
  }
  return w.text;
}

function regex(w: Word): RegExp {
  try {
    return new RegExp(w.text);
  } catch (e) {
    return fail(`invalid regex "${w.text}": ${(e as Error).message}`, w.text, w.column);
  }
}

function status(w: Word, min: number, max: number): number {
  const n = /^\d{3}$/.test(w.text) ? Number(w.text) : NaN;
  if (!(n >= min && n <= max)) fail(`invalid status "${w.text}" (${min}-${max})`, w.text, w.column);
  return n;
}

function format(w: Word, uses: ArgUse[]): LogFormat {
  const f = compileLogFormat(w);
  uses.push(...f.needs);
  return f;
}

/** `\1`..`\9` in `fmt` replaced by the groups of `m`, as HAProxy's replace-* actions do. */
function backrefs(fmt: string, m: RegExpExecArray): string {
  return fmt.replace(/\\(\d)/g, (_, d: string) => m[Number(d)] ?? "");
}

/** True when `v` may go in a header value: no control but tab, nothing beyond latin1. */
function fieldSafe(v: string): boolean {
  return /^[\t\x20-\x7e\x80-\xff]*$/.test(v);
}

/** True when `v` may go in a request line: visible ASCII only. */
function lineSafe(v: string): boolean {
  return /^[\x21-\x7e]+$/.test(v);
}

function fields(t: HttpRuleTarget, side: RuleSide) {
  return side === "request" ? t.req.headers : t.res!.headers;
}

/** The target split into [before the path, path, query (with its "?"), or ""]. */
function splitTarget(target: string): [string, string, string] | null {
  const at = pathStart(target);
  if (at < 0) return null;
  const q = target.indexOf("?", at);
  return q < 0
    ? [target.slice(0, at), target.slice(at), ""]
    : [target.slice(0, at), target.slice(at, q), target.slice(q)];
}

function headerSetter(name: "set-header" | "add-header"): ActionDef {
  return {
    name,
    sides: ["request", "response"],
    compile(kw, args, side) {
      const uses: ArgUse[] = [];
      const field = headerName(word(args, 0, kw, "a header name"));
      const value = format(word(args, 1, kw, "a value"), uses);
      noMore(args, 2, kw);
      return {
        uses,
        run(t) {
          const v = value.render(t.ctx);
          if (!fieldSafe(v)) return REWRITE_FAILED;
          const h = fields(t, side);
          if (name === "set-header") setHeader(h, field, v);
          else h.push({ name: field, lname: field.toLowerCase(), value: v });
        },
      };
    },
  };
}

function headerReplacer(name: "replace-header" | "replace-value"): ActionDef {
  return {
    name,
    sides: ["request", "response"],
    compile(kw, args, side) {
      const uses: ArgUse[] = [];
      const lname = headerName(word(args, 0, kw, "a header name")).toLowerCase();
      const re = regex(word(args, 1, kw, "a regex"));
      const fmt = format(word(args, 2, kw, "a replacement"), uses);
      noMore(args, 3, kw);
      const replace = (v: string, t: HttpRuleTarget): string => {
        const m = re.exec(v);
        return m ? backrefs(fmt.render(t.ctx), m) : v;
      };
      return {
        uses,
        run(t) {
          const h = fields(t, side);
          for (let i = 0; i < h.length; i++) {
            const f = h[i]!;
            if (f.lname !== lname) continue;
            const v = name === "replace-header"
              ? replace(f.value, t)
              : f.value.split(",").map((e) => replace(e.trim(), t)).join(", ");
            if (!fieldSafe(v)) return REWRITE_FAILED;
            h[i] = { name: f.name, lname: f.lname, value: v };
          }
        },
      };
    },
  };
}

/** set-path, set-query, set-uri, set-method: a log-format value replacing one part of the request line. */
function lineSetter(
  name: string,
  apply: (t: HttpRuleTarget, v: string) => boolean,
): ActionDef {
  return {
    name,
    sides: ["request"],
    compile(kw, args) {
      const uses: ArgUse[] = [];
      const value = format(word(args, 0, kw, "a value"), uses);
      noMore(args, 1, kw);
      return { uses, run: (t) => (apply(t, value.render(t.ctx)) ? undefined : REWRITE_FAILED) };
    },
  };
}

/** replace-path, replace-uri: the whole part replaced by the format when the regex matches. */
function lineReplacer(name: string, part: "path" | "uri"): ActionDef {
  return {
    name,
    sides: ["request"],
    compile(kw, args) {
      const uses: ArgUse[] = [];
      const re = regex(word(args, 0, kw, "a regex"));
      const fmt = format(word(args, 1, kw, "a replacement"), uses);
      noMore(args, 2, kw);
      return {
        uses,
        run(t) {
          const parts = part === "path" ? splitTarget(t.req.target) : null;
          if (part === "path" && !parts) return;
          const m = re.exec(parts ? parts[1] : t.req.target);
          if (!m) return;
          const v = backrefs(fmt.render(t.ctx), m);
          if (!lineSafe(v)) return REWRITE_FAILED;
          t.req.target = parts ? parts[0] + v + parts[2] : v;
        },
      };
    },
  };
}

function deny(): ActionDef {
  return {
    name: "deny",
    sides: ["request", "response"],
    compile(kw, args, side) {
      let code = side === "request" ? 403 : 502;
      let i = 0;
      for (; i < args.length; i++) {
        const w = args[i]!;
        if (w.text === "deny_status" || w.text === "status") {
          code = status(word(args, ++i, kw, `a status after "${w.text}"`), 200, 599);
        } else break;
      }
      noMore(args, i, kw);
      const verdict: Verdict = { type: "deny", status: code };
      return { uses: [], run: () => verdict };
    },
  };
}

function allow(): ActionDef {
  const verdict: Verdict = { type: "allow" };
  return {
    name: "allow",
    sides: ["request", "response"],
    compile(kw, args) {
      noMore(args, 0, kw);
      return { uses: [], run: () => verdict };
    },
  };
}

function localReturn(): ActionDef {
  return {
    name: "return",
    sides: ["request"],
    compile(kw, args) {
      const uses: ArgUse[] = [];
      let code = 200;
      let type: string | undefined;
      let body: LogFormat | undefined;
      const extra: [string, LogFormat][] = [];
      for (let i = 0; i < args.length; i++) {
        const w = args[i]!;
        const next = (what: string) => word(args, ++i, kw, `${what} after "${w.text}"`);
        switch (w.text) {
          case "status":
            code = status(next("a status"), 200, 599);
            break;
          case "content-type": {
            const w = next("a content type");
            if (!fieldSafe(w.text)) fail(`invalid content type "${w.text}"`, w.text, w.column);
            type = w.text;
            break;
          }
          case "string":
            body = constant(next("a body").text);
            break;
          case "lf-string":
            body = format(next("a log-format body"), uses);
            break;
          case "hdr": {
            const n = headerName(next("a header name"));
            extra.push([n, format(word(args, ++i, kw, `a value after "${n}"`), uses)]);
            break;
          }
          case "file":
          case "lf-file":
          case "errorfile":
          case "errorfiles":
          case "default-errorfiles":
            fail(`"return ${w.text}" is not supported yet: use "string"`, w.text, w.column);
            break;
          default:
            fail(
              `unknown "return" option "${w.text}"`,
              w.text,
              w.column,
              `expected status, content-type, string, lf-string or hdr`,
            );
        }
      }
      if (body && type === undefined) {
        fail(`"return" with a body needs a content-type`, kw.text, kw.column);
      }
      return {
        uses,
        run(t) {
          const headers: [string, string][] = [];
          if (type !== undefined) headers.push(["content-type", type]);
          for (const [n, f] of extra) {
            const v = f.render(t.ctx);
            if (!fieldSafe(v)) return REWRITE_FAILED;
            headers.push([n, v]);
          }
          return { type: "return", status: code, headers, body: body?.render(t.ctx) ?? "" };
        },
      };
    },
  };
}

function constant(text: string): LogFormat {
  return { constant: true, text, needs: [], render: () => text };
}

function redirect(): ActionDef {
  return {
    name: "redirect",
    sides: ["request"],
    compile(kw, args) {
      const uses: ArgUse[] = [];
      const how = word(args, 0, kw, "location, prefix or scheme");
      if (how.text !== "location" && how.text !== "prefix" && how.text !== "scheme") {
        fail(`"redirect" expects location, prefix or scheme`, how.text, how.column);
      }
      const to = format(word(args, 1, kw, `a value after "${how.text}"`), uses);
      let code = 302, dropQuery = false, appendSlash = false;
      for (let i = 2; i < args.length; i++) {
        const w = args[i]!;
        if (w.text === "code") {
          const c = word(args, ++i, kw, `a status after "code"`);
          code = Number(c.text);
          if (!REDIRECT_CODES.includes(code) || !/^\d{3}$/.test(c.text)) {
            fail(
              `invalid redirect code "${c.text}" (${REDIRECT_CODES.join(", ")})`,
              c.text,
              c.column,
            );
          }
        } else if (w.text === "drop-query") dropQuery = true;
        else if (w.text === "append-slash") appendSlash = true;
        else if (w.text === "set-cookie" || w.text === "clear-cookie") {
          fail(`"redirect ${w.text}" is not supported yet`, w.text, w.column);
        } else {
          fail(
            `unknown "redirect" option "${w.text}"`,
            w.text,
            w.column,
            "expected code, drop-query or append-slash",
          );
        }
      }
      return {
        uses,
        run(t) {
          const v = to.render(t.ctx);
          let location = v;
          if (how.text !== "location") {
            const parts = splitTarget(t.req.target) ?? ["", "/", ""];
            let path = parts[1];
            if (appendSlash && !path.endsWith("/")) path += "/";
            const rest = path + (dropQuery ? "" : parts[2]);
            if (how.text === "prefix") {
              location = v.endsWith("/") && rest.startsWith("/") ? v + rest.slice(1) : v + rest;
            } else {
              const host = getHeader(t.req.headers, "host") ?? "";
              location = `${v}://${host}${rest}`;
            }
          }
          if (!fieldSafe(location)) return REWRITE_FAILED;
          return { type: "redirect", code, location };
        },
      };
    },
  };
}

function setStatus(): ActionDef {
  return {
    name: "set-status",
    sides: ["response"],
    compile(kw, args) {
      const code = status(word(args, 0, kw, "a status"), 100, 999);
      let reason: string | undefined;
      let n = 1;
      if (args[1]?.text === "reason") {
        reason = word(args, 2, kw, `a reason after "reason"`).text;
        n = 3;
      }
      noMore(args, n, kw);
      return {
        uses: [],
        run(t) {
          t.res!.status = code;
          t.res!.reason = reason ?? "";
        },
      };
    },
  };
}

function setVar(): ActionDef {
  return {
    name: "set-var",
    sides: ["request", "response"],
    compile(kw, args, _side, arg) {
      const name = varName(kw, arg);
      const expr = word(args, 0, kw, "a sample expression");
      const r = compileSample(expr);
      if (!r.ok) throw new RuleFailure(r.error);
      noMore(args, 1, kw);
      const sample = r.sample;
      return {
        uses: [{ fetch: sample.fetch, needs: sample.needs, column: sample.column }],
        run(t) {
          const v = sample.value(t.ctx);
          if (v !== undefined) t.ctx.vars.set(name, v);
        },
      };
    },
  };
}

function unsetVar(): ActionDef {
  return {
    name: "unset-var",
    sides: ["request", "response"],
    compile(kw, args, _side, arg) {
      const name = varName(kw, arg);
      noMore(args, 0, kw);
      return {
        uses: [],
        run(t) {
          t.ctx.vars.delete(name);
        },
      };
    },
  };
}

function varName(kw: Word, arg: string | undefined): string {
  if (arg === undefined) {
    fail(`"${kw.text}" needs a variable: ${kw.text}(txn.name)`, kw.text, kw.column);
  }
  try {
    return varArg(arg, 0);
  } catch (e) {
    if (!(e instanceof ArgumentError)) throw e;
    return fail(e.message, arg, kw.column + kw.text.indexOf("(") + 1);
  }
}

/** Every action by keyword: a new action is one more entry. */
export const HTTP_ACTIONS: ReadonlyMap<string, ActionDef> = new Map(
  [
    allow(),
    deny(),
    localReturn(),
    redirect(),
    headerSetter("set-header"),
    headerSetter("add-header"),
    {
      name: "del-header",
      sides: ["request", "response"],
      compile(kw, args, side) {
        const lname = headerName(word(args, 0, kw, "a header name")).toLowerCase();
        noMore(args, 1, kw);
        return {
          uses: [],
          run(t) {
            removeHeader(fields(t, side), lname);
          },
        };
      },
    } satisfies ActionDef,
    headerReplacer("replace-header"),
    headerReplacer("replace-value"),
    lineSetter("set-path", (t, v) => {
      const p = splitTarget(t.req.target);
      if (!p || !lineSafe(v)) return false;
      t.req.target = p[0] + v + p[2];
      return true;
    }),
    lineSetter("set-query", (t, v) => {
      if (!(v === "" || lineSafe(v))) return false;
      const q = t.req.target.indexOf("?");
      const base = q < 0 ? t.req.target : t.req.target.slice(0, q);
      t.req.target = v === "" ? base : `${base}?${v}`;
      return true;
    }),
    lineSetter("set-uri", (t, v) => {
      if (!lineSafe(v)) return false;
      t.req.target = v;
      return true;
    }),
    lineSetter("set-method", (t, v) => {
      if (!TOKEN.test(v)) return false;
      t.req.method = v;
      return true;
    }),
    lineReplacer("replace-path", "path"),
    lineReplacer("replace-uri", "uri"),
    setStatus(),
    setVar(),
    unsetVar(),
  ].map((d) => [d.name, d]),
);
