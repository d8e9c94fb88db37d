/** HTTP fetches: method, path, url, query, parameters, headers, cookies, version, status. */
import type { HeaderField } from "../../http1/types.ts";
import { optIntArg } from "../_prepare.ts";
import { defineFetch, type FetchDef, type Need, type SampleContext, type Value } from "../types.ts";
import {
  countValues,
  eachCookie,
  eachParam,
  eachSetCookie,
  eachValue,
  paramList,
  pathOf,
  pathStart,
  queryOf,
  valueAt,
} from "./_message.ts";

/** The value a visit last saw: lets single-value fetches reuse the `each*` walkers without a closure. */
let seen: string | undefined;
function keepLast(v: Value): boolean {
  seen = v as string;
  return false;
}
function keepFirst(v: Value): boolean {
  seen = v as string;
  return true;
}
function take(): string | undefined {
  const v = seen;
  seen = undefined;
  return v;
}

interface HeaderArgs {
  lname: string;
  occ: number;
}

function headerArgs(a: readonly string[]): HeaderArgs {
  return { lname: (a[0] ?? "").toLowerCase(), occ: optIntArg(a[1], 1, "occurrence", 0) };
}

/** The integer a value starts with, 0 when it starts with none (HAProxy's strl2ic); undefined without a value. */
function leadingInt(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^\s*[+-]?\d{1,15}/.exec(v);
  return m ? Number(m[0]) : 0;
}

/** hdr, fhdr, hdr_cnt, fhdr_cnt, hdr_val over one message's headers. */
function headerFetches(
  prefix: "req" | "res",
  short: string,
  needs: Need,
  fields: (ctx: SampleContext) => readonly HeaderField[] | undefined,
): FetchDef[] {
  // Request fetches also go by bare names (hdr, fhdr, ...), response ones by HAProxy's shdr* ones.
  const alias = (name: string) => (short === "s" && name[0] === "f" ? [] : [`${short}${name}`]);
  const values = (split: boolean, name: string) =>
    defineFetch<HeaderArgs>({
      name: `${prefix}.${name}`,
      aliases: alias(name),
      args: ["name?", "occ?"],
      type: "str",
      needs,
      prepare: headerArgs,
      fetch: (ctx, a) => {
        const h = fields(ctx);
        return h && valueAt(h, a.lname, split, a.occ);
      },
      each: (ctx, a, visit) => {
        const h = fields(ctx);
        if (!h) return false;
        if (a.occ === 0) return eachValue(h, a.lname, split, ctx, visit);
        const v = valueAt(h, a.lname, split, a.occ);
        return v !== undefined && visit(v, ctx);
      },
    });
  const count = (split: boolean, name: string) =>
    defineFetch<string>({
      name: `${prefix}.${name}`,
      aliases: alias(name),
      args: ["name?"],
      type: "int",
      needs,
      prepare: (a) => (a[0] ?? "").toLowerCase(),
      fetch: (ctx, lname) => {
        const h = fields(ctx);
        return h && countValues(h, lname, split);
      },
    });
  return [
    values(true, "hdr"),
    values(false, "fhdr"),
    count(true, "hdr_cnt"),
    count(false, "fhdr_cnt"),
    defineFetch<HeaderArgs>({
      name: `${prefix}.hdr_val`,
      aliases: alias("hdr_val"),
      args: ["name?", "occ?"],
      type: "int",
      needs,
      prepare: headerArgs,
      fetch: (ctx, a) => {
        const h = fields(ctx);
        return h && leadingInt(valueAt(h, a.lname, true, a.occ));
      },
    }),
  ];
}

function target(ctx: SampleContext): string | undefined {
  return ctx.req?.target;
}

interface ParamArgs {
  name: string;
  /** Where the list starts: after the first of this character ("?" unless a delimiter is given). */
  start: string;
  /** What separates parameters: "&", ";" and the delimiter argument. */
  delims: string;
  icase: boolean;
}

/** HTTP request and response fetches. */
export const HTTP_FETCHES: readonly FetchDef[] = [
  defineFetch({
    name: "method",
    args: [],
    type: "str",
    needs: "http-req",
    fetch: (ctx) => ctx.req?.method,
  }),
  defineFetch({
    name: "path",
    args: [],
    type: "str",
    needs: "http-req",
    fetch: (ctx) => {
      const t = target(ctx);
      return t === undefined ? undefined : pathOf(t);
    },
  }),
  defineFetch({
    name: "pathq",
    args: [],
    type: "str",
    needs: "http-req",
    fetch: (ctx) => {
      const t = target(ctx);
      const at = t === undefined ? -1 : pathStart(t);
      return at < 0 ? undefined : at === 0 ? t : t!.slice(at);
    },
  }),
  defineFetch({
    name: "url",
    args: [],
    type: "str",
    needs: "http-req",
    fetch: target,
  }),
  defineFetch({
    name: "query",
    args: [],
    type: "str",
    needs: "http-req",
    fetch: (ctx) => {
      const t = target(ctx);
      return t === undefined ? undefined : queryOf(t);
    },
  }),
  defineFetch<ParamArgs>({
    name: "url_param",
    aliases: ["urlp"],
    args: ["name?", "delim?", "i?"],
    type: "str",
    needs: "http-req",
    // As HAProxy's: the delimiter (its first character) starts the list and separates parameters.
    prepare: (a) => ({
      icase: a[2] === "i",
      name: a[2] === "i" ? (a[0] ?? "").toLowerCase() : a[0] ?? "",
      start: a[1] ? a[1][0]! : "?",
      delims: "&;" + (a[1] ? a[1][0]! : ""),
    }),
    fetch: (ctx, a) => {
      const q = ctx.req && paramList(ctx.req.target, a.start);
      if (q === undefined) return undefined;
      eachParam(q, a.name, a.delims, a.icase, ctx, keepFirst);
      return take();
    },
    each: (ctx, a, visit) => {
      const q = ctx.req && paramList(ctx.req.target, a.start);
      return q !== undefined && eachParam(q, a.name, a.delims, a.icase, ctx, visit);
    },
  }),
  defineFetch({
    name: "base",
    args: [],
    type: "str",
    needs: "http-req",
    fetch: (ctx) => {
      const req = ctx.req;
      const path = req && pathOf(req.target);
      if (!req || path === undefined) return undefined;
      const host = valueAt(req.headers, "host", false, 1);
      return host === undefined ? path : host + path;
    },
  }),
  ...headerFetches("req", "", "http-req", (ctx) => ctx.req?.headers),
  ...headerFetches("res", "s", "http-res", (ctx) => ctx.res?.headers),
  defineFetch<string>({
    name: "req.cook",
    aliases: ["cook"],
    args: ["name?"],
    type: "str",
    needs: "http-req",
    prepare: (a) => a[0] ?? "",
    fetch: (ctx, name) => {
      if (!ctx.req) return undefined;
      eachCookie(ctx.req.headers, "cookie", name, ctx, keepLast);
      return take();
    },
    each: (ctx, name, visit) =>
      ctx.req !== undefined && eachCookie(ctx.req.headers, "cookie", name, ctx, visit),
  }),
  defineFetch<string>({
    name: "res.cook",
    aliases: ["scook"],
    args: ["name?"],
    type: "str",
    needs: "http-res",
    prepare: (a) => a[0] ?? "",
    fetch: (ctx, name) => {
      if (!ctx.res) return undefined;
      eachSetCookie(ctx.res.headers, name, ctx, keepLast);
      return take();
    },
    each: (ctx, name, visit) =>
      ctx.res !== undefined && eachSetCookie(ctx.res.headers, name, ctx, visit),
  }),
  defineFetch({
    name: "req.ver",
    aliases: ["req_ver"],
    args: [],
    type: "str",
    needs: "http-req",
    fetch: (ctx) => ctx.req && (ctx.req.version === 2 ? "2.0" : `1.${ctx.req.minor}`),
  }),
  defineFetch({
    name: "status",
    args: [],
    type: "int",
    needs: "http-res",
    fetch: (ctx) => ctx.res?.status,
  }),
];
