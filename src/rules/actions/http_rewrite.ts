/** Actions that rewrite the heads in place: header fields, the request line, the response status. */
import { removeHeader } from "../../http1/headers.ts";
import { mapElements } from "../fetches/_message.ts";
import { statusReason } from "../../http1/reasons.ts";
import { fail } from "../_fail.ts";
import type { Word } from "../tokenize.ts";
import {
  type ActionDef,
  type ArgUse,
  fieldSafe,
  format,
  headerName,
  noMore,
  REWRITE_FAILED,
  splitTarget,
  status,
  TOKEN,
  word,
} from "./_action.ts";
import type { HttpRuleTarget, RuleSide } from "./types.ts";

function regex(w: Word): RegExp {
  try {
    return new RegExp(w.text);
  } catch (e) {
    return fail(`invalid regex "${w.text}": ${(e as Error).message}`, w.text, w.column);
  }
}

/** `\1`..`\9` in `fmt` replaced by the groups of `m`, as HAProxy's replace-* actions do. */
function backrefs(fmt: string, m: RegExpExecArray): string {
  return fmt.replace(/\\(\d)/g, (_, d: string) => m[Number(d)] ?? "");
}

/** True when `v` may go in a request line: visible ASCII only. */
function lineSafe(v: string): boolean {
  return /^[\x21-\x7e]+$/.test(v);
}

/** An absolute-form target without a path ("http://h?q"), split as if its path were empty. */
function authorityOnly(target: string): [string, string, string] | null {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*$/.test(target)) return null;
  const q = target.indexOf("?");
  return q < 0 ? [target, "", ""] : [target.slice(0, q), "", target.slice(q)];
}

function fields(t: HttpRuleTarget, side: RuleSide) {
  return side === "request" ? t.req.headers : t.res!.headers;
}

function headerSetter(name: "set-header" | "add-header"): ActionDef {
  return {
    name,
    sides: ["request", "response"],
    compile(kw, args, side) {
      const uses: ArgUse[] = [];
      const field = headerName(word(args, 0, kw, "a header name"));
      const lname = field.toLowerCase();
      const value = format(word(args, 1, kw, "a value"), uses);
      noMore(args, 2, kw);
      return {
        uses,
        run(t) {
          const v = value.render(t.ctx);
          if (!fieldSafe(v)) return REWRITE_FAILED;
          const h = fields(t, side);
          // as HAProxy: set-header removes every field of that name and appends one at the end
          if (name === "set-header") removeHeader(h, lname);
          h.push({ name: field, lname, value: v });
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
      const replace = (v: string, t: HttpRuleTarget): string | undefined => {
        const m = re.exec(v);
        return m ? backrefs(fmt.render(t.ctx), m) : undefined;
      };
      return {
        uses,
        run(t) {
          const h = fields(t, side);
          for (let i = 0; i < h.length; i++) {
            const f = h[i]!;
            if (f.lname !== lname) continue;
            // replace-value rewrites each list element in place: commas and spaces stay as they came
            const v = name === "replace-header"
              ? replace(f.value, t) ?? f.value
              : mapElements(f.value, (e) => replace(e, t));
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
          t.res!.reason = reason ?? statusReason(code);
        },
      };
    },
  };
}

/** The rewrite actions, in registry order. */
export const REWRITE_ACTIONS: readonly ActionDef[] = [
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
    const p = splitTarget(t.req.target) ?? authorityOnly(t.req.target);
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
];
