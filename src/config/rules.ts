/** A frontend's rule lists compiled (ACLs, httpRequest, httpResponse, useBackend), errors located by config path. */
import {
  type BackendRule,
  compileAcls,
  compileBackendRules,
  compileHttpRules,
  formatRuleError,
  type HttpRule,
  type RuleError,
} from "../rules/mod.ts";
import type { CrossIssue } from "./crosscheck.ts";
import type { Config } from "./schema.ts";

/** The compiled rules of one frontend, in the order the transaction runs them. */
export interface FrontendRules {
  request: HttpRule[];
  response: HttpRule[];
  backends: BackendRule[];
}

/** True when the frontend has any rule to run (the transaction then builds a sample context). */
export function hasRules(r: FrontendRules): boolean {
  return r.request.length + r.response.length + r.backends.length > 0;
}

/**
 * Compiles the rule lists of frontend `name`; every bad line becomes an issue at its list index,
 * e.g. `frontends.web.httpRequest[2]: unknown action "dny" at column 1 (did you mean "deny"?)`.
 */
export function compileFrontendRules(
  config: Config,
  name: string,
): { rules: FrontendRules; issues: CrossIssue[] } {
  const fe = config.frontends[name]!;
  const mode = fe.mode ?? config.defaults.mode;
  const issues: CrossIssue[] = [];
  const at = (key: string) => (e: RuleError & { line: number }) =>
    issues.push({ path: ["frontends", name, key, e.line], message: formatRuleError(e) });
  const { acls, errors } = compileAcls(fe.acl ?? []);
  errors.forEach(at("acl"));
  const scope = { mode };
  const request = compileHttpRules(fe.httpRequest ?? [], "request", acls, scope);
  request.errors.forEach(at("httpRequest"));
  const response = compileHttpRules(fe.httpResponse ?? [], "response", acls, scope);
  response.errors.forEach(at("httpResponse"));
  const backends = compileBackendRules(
    fe.useBackend ?? [],
    acls,
    Object.keys(config.backends),
    scope,
  );
  backends.errors.forEach(at("useBackend"));
  backends.rules.forEach((r) => {
    const beMode = config.backends[r.backend]!.mode ?? config.defaults.mode;
    if (beMode !== mode) {
      issues.push({
        path: ["frontends", name, "useBackend", r.line],
        message: `frontend "${name}" is in ${mode} mode but backend "${r.backend}" is in ` +
          `${beMode} mode`,
      });
    }
  });
  return {
    rules: { request: request.rules, response: response.rules, backends: backends.rules },
    issues,
  };
}
