/** HTTP authentication fetches (HAProxy's http_auth*): Basic credentials checked against a userlist, the scheme, a Bearer token. */
import { authScheme, basicCredentials, bearerToken } from "../../auth/authorization.ts";
import type { Userlist } from "../../auth/userlist.ts";
import { getHeader } from "../../http1/headers.ts";
import { suggest } from "../_suggest.ts";
import {
  ArgumentError,
  defineFetch,
  type FetchDef,
  type LoadContext,
  type SampleContext,
} from "../types.ts";

function authorization(ctx: SampleContext): string | undefined {
  const h = ctx.req?.headers;
  return h && getHeader(h, "authorization");
}

/** The userlist an argument names; an unknown one is a config error. */
function userlistArg(args: readonly string[], load: LoadContext): Userlist {
  const name = args[0] ?? "";
  const list = load.userlists?.get(name);
  if (list !== undefined) return list;
  const known = [...(load.userlists?.keys() ?? [])];
  const hint = suggest(name, known);
  throw new ArgumentError(
    `unknown userlist "${name}"` +
      (hint
        ? ` (${hint})`
        : known.length
        ? ` (userlists: ${known.join(", ")})`
        : " (no userlists declared)"),
    0,
  );
}

/** The user whose Basic credentials are right for `list`, undefined otherwise. */
function authenticated(ctx: SampleContext, list: Userlist): string | undefined {
  const v = authorization(ctx);
  const c = v === undefined ? undefined : basicCredentials(v);
  return c !== undefined && list.check(c) ? c.user : undefined;
}

/** The http_auth* fetches. */
export const AUTH_FETCHES: readonly FetchDef[] = [
  defineFetch<Userlist>({
    name: "http_auth",
    args: ["userlist"],
    type: "bool",
    needs: "http-req",
    prepare: userlistArg,
    fetch: (ctx, list) => authenticated(ctx, list) !== undefined,
  }),
  // The value is the user (HAProxy's); an ACL matches the user's groups: `http_auth_group(L) admins`.
  defineFetch<Userlist>({
    name: "http_auth_group",
    args: ["userlist"],
    type: "str",
    needs: "http-req",
    prepare: userlistArg,
    fetch: (ctx, list) => authenticated(ctx, list),
    each(ctx, list, visit) {
      const user = authenticated(ctx, list);
      if (user === undefined) return false;
      for (const g of list.groupsOf(user)) if (visit(g, ctx)) return true;
      return false;
    },
  }),
  defineFetch({
    name: "http_auth_type",
    args: [],
    type: "str",
    needs: "http-req",
    fetch: (ctx) => {
      const v = authorization(ctx);
      return v === undefined ? undefined : authScheme(v);
    },
  }),
  defineFetch({
    name: "http_auth_user",
    args: [],
    type: "str",
    needs: "http-req",
    fetch: (ctx) => {
      const v = authorization(ctx);
      return v === undefined ? undefined : basicCredentials(v)?.user;
    },
  }),
  defineFetch({
    name: "http_auth_pass",
    args: [],
    type: "str",
    needs: "http-req",
    fetch: (ctx) => {
      const v = authorization(ctx);
      return v === undefined ? undefined : basicCredentials(v)?.password;
    },
  }),
  defineFetch<string>({
    name: "http_auth_bearer",
    args: ["header?"],
    type: "str",
    needs: "http-req",
    prepare: (a) => (a[0] || "authorization").toLowerCase(),
    fetch: (ctx, lname) => {
      const h = ctx.req?.headers;
      const v = h && getHeader(h, lname);
      return v === undefined ? undefined : bearerToken(v);
    },
  }),
];
