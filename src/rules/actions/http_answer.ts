/** Actions that end rule evaluation with a decision: allow, deny, or a local answer (return, redirect). */
import { getHeader } from "../../http1/headers.ts";
import { fail } from "../_fail.ts";
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
  word,
} from "./_action.ts";
import type { LogFormat } from "./log_format.ts";
import type { Verdict } from "./types.ts";

const REDIRECT_CODES = [301, 302, 303, 307, 308];

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
              // as HAProxy: a prefix of exactly "/" redirects to the same path; others are prepended as is
              location = to.constant && v === "/" ? rest : v + rest;
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

/** The deciding actions, in registry order. */
export const ANSWER_ACTIONS: readonly ActionDef[] = [allow(), deny(), localReturn(), redirect()];
