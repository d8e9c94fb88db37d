/** url_param: a query-string parameter (a user id, say) hashed to a server; round-robin when it is absent. */
import { fail } from "./_args.ts";
import { KeyedBalancer } from "./_keyed.ts";
import { urlParam as findParam } from "./_keys.ts";
import type { BalancerFactory, ParamsResult, PickContext } from "./types.ts";

/** The parameter whose value is hashed. */
export interface UrlParamParams {
  readonly param: string;
}

function parse(arg: string | undefined, words: readonly string[]): ParamsResult<UrlParamParams> {
  if (arg !== undefined) {
    return fail(`url_param takes its name as a word: url_param NAME, got "(${arg})"`);
  }
  const [param, extra] = words;
  if (param === undefined) return fail("url_param needs a parameter name: url_param NAME");
  if (param.includes("&") || param.includes("=")) {
    return fail(`url_param: "${param}" cannot be a parameter name (it holds "&" or "=")`);
  }
  if (extra === "check_post") {
    return fail('url_param: "check_post" is not supported (request bodies are not looked at)');
  }
  if (extra !== undefined) return fail(`url_param takes one name, got also "${extra}"`);
  return { ok: true, params: { param } };
}

export const urlParam: BalancerFactory<UrlParamParams> = {
  needs: "http",
  hashed: true,
  description: "hash of a query-string parameter's value; round-robin when the request lacks it",
  syntax: "url_param NAME",
  parse,
  create(servers, params, options) {
    const name = params?.param ?? "";
    const keyOf = (ctx: PickContext | undefined) =>
      ctx?.http ? findParam(ctx.http.query, name) : undefined;
    return new KeyedBalancer(servers, keyOf, options);
  },
};
