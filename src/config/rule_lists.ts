/** The rule lists (HAProxy syntax, one line per item) of frontends and backends, with their help text. */
import { z } from "zod";

export function ruleList(description: string, examples: string[]) {
  return z.array(z.string({ error: "expected a rule line (a string)" })).optional().meta({
    description,
    examples: [examples],
  });
}

/** Rule lists (HAProxy syntax, one line per item) a frontend or backend may hold. */
export const ruleLists = {
  acl: ruleList(
    "Named tests, `name criterion [flags] patterns`; lines sharing a name are OR-ed.",
    ["is_api path_beg /api", "blocked src 10.0.0.0/8"],
  ),
  httpRequest: ruleList(
    "http-request rules, run in order once the request head is read: allow, deny, return, " +
      "redirect, set-header, add-header, del-header, replace-header, replace-value, set-path, " +
      "set-query, set-uri, set-method, replace-path, replace-uri, set-var, unset-var; each may end " +
      "with `if|unless condition`.",
    ["deny if blocked", "set-header X-Api yes if is_api"],
  ),
  httpResponse: ruleList(
    "http-response rules, run in order once the response head is read: allow, deny, set-header, " +
      "add-header, del-header, replace-header, replace-value, set-status, set-var, unset-var.",
    ["del-header Server", "set-status 418 if { status 404 }"],
  ),
};
