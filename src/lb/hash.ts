/** hash EXPR: the value of a sample expression hashed to a server; round-robin when it has none. */
import { fail, splitCall } from "./_args.ts";
import { addressBytes } from "./_hash.ts";
import { KeyedBalancer } from "./_keyed.ts";
import { headerKey, sourceKey, targetOf, urlParam } from "./_keys.ts";
import type { BalancerFactory, ParamsResult, PickContext } from "./types.ts";

/** The fetches `hash` knows until the sample engine lands; `arg` is set for hdr and url_param. */
export type HashFetch = "src" | "path" | "uri" | "hdr" | "url_param";

/** What `hash` hashes: `hash hdr(host)` is `{ fetch: "hdr", arg: "host" }`. */
export interface HashParams {
  readonly fetch: HashFetch;
  readonly arg?: string;
}

const EXPECTED = "src, path, uri, hdr(NAME) or url_param(NAME)";

function parse(arg: string | undefined, words: readonly string[]): ParamsResult<HashParams> {
  if (arg !== undefined) {
    return fail(`hash takes its expression as a word: hash EXPR, got "(${arg})"`);
  }
  const [expr, extra] = words;
  if (expr === undefined) return fail(`hash needs an expression: ${EXPECTED}`);
  if (extra !== undefined) return fail(`hash takes one expression, got also "${extra}"`);
  const call = splitCall(expr);
  if (call === null) return fail(`hash: unbalanced parentheses in "${expr}"`);
  switch (call.name) {
    case "src":
    case "path":
    case "uri":
      if (call.arg !== undefined) {
        return fail(`hash: ${call.name} takes no argument, got "${expr}"`);
      }
      return { ok: true, params: { fetch: call.name } };
    case "hdr":
    case "url_param":
      if (!call.arg) return fail(`hash: ${call.name} needs a name: ${call.name}(NAME)`);
      return {
        ok: true,
        params: { fetch: call.name, arg: call.name === "hdr" ? call.arg.toLowerCase() : call.arg },
      };
    default:
      return fail(`hash: unknown expression "${expr}" (expected ${EXPECTED})`);
  }
}

/**
 * The value `p` fetches from a pick, or undefined (no such header, no address, not HTTP). With
 * `binarySrc` (HAProxy's hash functions) `src` is the address's bytes, as HAProxy hashes it.
 */
function fetch(
  p: HashParams | undefined,
  ctx: PickContext | undefined,
  binarySrc: boolean,
): string | undefined {
  if (p === undefined || ctx === undefined) return undefined;
  if (p.fetch === "src") {
    const src = sourceKey(ctx);
    return src !== undefined && binarySrc ? addressBytes(src) : src;
  }
  const http = ctx.http;
  if (http === undefined) return undefined;
  switch (p.fetch) {
    case "path":
      return http.path;
    case "uri":
      return targetOf(http);
    case "hdr":
      return headerKey(http, p.arg ?? "");
    case "url_param":
      return urlParam(http.query, p.arg ?? "");
  }
}

export const hash: BalancerFactory<HashParams> = {
  needs: (p) => (p.fetch === "src" ? "address" : "http"),
  hashed: true,
  description: "hash of the expression's value; round-robin when it has none",
  syntax: `hash EXPR (EXPR: ${EXPECTED})`,
  parse,
  create(servers, params, options) {
    const binarySrc = (options?.hashFunction ?? "fnv1a") !== "fnv1a";
    return new KeyedBalancer(servers, (ctx) => ctx?.key ?? fetch(params, ctx, binarySrc), options);
  },
};
