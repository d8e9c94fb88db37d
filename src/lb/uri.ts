/** uri: the request URI (by default its part before "?") hashed to a server, for caches. */
import { fail, wholeNumber } from "./_args.ts";
import { KeyedBalancer } from "./_keyed.ts";
import { uriKey, type UriOptions } from "./_keys.ts";
import type { BalancerFactory, ParamsResult, PickContext } from "./types.ts";

const SYNTAX = "uri [len N] [depth N] [whole] [path-only]";

function parse(arg: string | undefined, words: readonly string[]): ParamsResult<UriOptions> {
  if (arg !== undefined) return fail(`uri takes no argument in parentheses, got "(${arg})"`);
  const o = { len: 0, depth: 0, whole: false, pathOnly: false };
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === "whole") o.whole = true;
    else if (word === "path-only") o.pathOnly = true;
    else if (word === "len" || word === "depth") {
      const n = wholeNumber(words[i + 1]);
      if (n === null || n === 0) {
        const got = words[i + 1] === undefined ? "nothing" : `"${words[i + 1]}"`;
        return fail(`uri: "${word}" needs a whole number of at least 1, got ${got}`);
      }
      o[word] = n;
      i++;
    } else return fail(`uri: unknown option "${word}" (expected ${SYNTAX})`);
  }
  return { ok: true, params: o };
}

export const uri: BalancerFactory<UriOptions> = {
  needs: "http",
  hashed: true,
  description: "hash of the URI before the '?'; whole: with the query; len, depth: only its start",
  syntax: SYNTAX,
  parse,
  create(servers, params, options) {
    const o = params ?? { len: 0, depth: 0, whole: false, pathOnly: false };
    const keyOf = (ctx: PickContext | undefined) => (ctx?.http ? uriKey(ctx.http, o) : undefined);
    return new KeyedBalancer(servers, keyOf, options);
  },
};
