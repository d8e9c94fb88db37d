/** A frontend's rule lists compiled (ACLs, httpRequest, httpResponse, useBackend), errors located by config path. */
import {
  type BackendRule,
  compileAcls,
  compileBackendRules,
  compileHttpRules,
  formatRuleError,
  type HttpRule,
  type RuleError,
  compileTcpRules,
  type TcpRules,
} from "../rules/mod.ts";
import type { CrossIssue } from "./crosscheck.ts";
import type { Config } from "./schema.ts";

/** The compiled rules of one frontend, in the order the transaction runs them. */
export interface FrontendRules {
  request: HttpRule[];
  response: HttpRule[];
  backends: BackendRule[];
  tcp: TcpRules;
}

/** True when the frontend has any rule to run (the transaction then builds a sample context). */
export function hasRules(r: FrontendRules): boolean {
  return r.request.length + r.response.length + r.backends.length + r.tcp.content.length +
      r.tcp.connection.length > 0;
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
  const tcp = compileTcpRules(fe.tcpRequest ?? [], acls, scope);
  tcp.errors.forEach(at("tcpRequest"));
  backends.rules.forEach((r) => {
    if (r.dynamic) return;
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
    rules: {
      request: request.rules,
      response: response.rules,
      backends: backends.rules,
      tcp: tcp.rules,
    },
    issues,
  };
}

/** A backend's own http-request and http-response rules (run after the frontend's request rules, before its response rules). */
export interface BackendHttpRules {
  request: HttpRule[];
  response: HttpRule[];
}

/**
 * Compiles the `acl`, `httpRequest` and `httpResponse` lists of backend `name`; errors are issues
 * at `backends.NAME.KEY[i]`. Rules is null when the backend has none.
 */
export function compileBackendHttpRules(
  config: Config,
  name: string,
): { rules: BackendHttpRules | null; issues: CrossIssue[] } {
  const be = config.backends[name]!;
  const mode = be.mode ?? config.defaults.mode;
  const issues: CrossIssue[] = [];
  const at = (key: string) => (e: RuleError & { line: number }) =>
    issues.push({ path: ["backends", name, key, e.line], message: formatRuleError(e) });
  const { acls, errors } = compileAcls(be.acl ?? []);
  errors.forEach(at("acl"));
  const request = compileHttpRules(be.httpRequest ?? [], "request", acls, { mode });
  request.errors.forEach(at("httpRequest"));
  const response = compileHttpRules(be.httpResponse ?? [], "response", acls, { mode });
  response.errors.forEach(at("httpResponse"));
  const none = request.rules.length + response.rules.length === 0;
  return { rules: none ? null : { request: request.rules, response: response.rules }, issues };
}
