/** hdr(NAME): a request header's value hashed to a server; round-robin when it is absent or empty. */
import { fail } from "./_args.ts";
import { KeyedBalancer } from "./_keyed.ts";
import { domainOnly, headerKey } from "./_keys.ts";
import type { BalancerFactory, ParamsResult, PickContext } from "./types.ts";

/** The header hashed, and whether only the domain name of a Host-like value counts. */
export interface HdrParams {
  /** Lower case. */
  readonly header: string;
  readonly useDomainOnly: boolean;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function parse(arg: string | undefined, words: readonly string[]): ParamsResult<HdrParams> {
  if (arg === undefined || arg === "") {
    return fail("hdr needs a header name in parentheses: hdr(NAME)");
  }
  if (!TOKEN.test(arg)) return fail(`hdr: "${arg}" is not a header name`);
  let useDomainOnly = false;
  for (const word of words) {
    if (word === "use_domain_only") useDomainOnly = true;
    else return fail(`hdr: unknown option "${word}" (expected use_domain_only)`);
  }
  return { ok: true, params: { header: arg.toLowerCase(), useDomainOnly } };
}

export const hdr: BalancerFactory<HdrParams> = {
  needs: "http",
  hashed: true,
  description: "hash of a request header's value; use_domain_only: of the domain name in it",
  syntax: "hdr(NAME) [use_domain_only]",
  parse,
  create(servers, params, options) {
    const name = params?.header ?? "", domain = params?.useDomainOnly ?? false;
    const keyOf = (ctx: PickContext | undefined) => {
      const value = ctx?.http && name !== "" ? headerKey(ctx.http, name) : undefined;
      return value !== undefined && domain ? domainOnly(value) : value;
    };
    return new KeyedBalancer(servers, keyOf, options);
  },
};
