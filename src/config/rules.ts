/** A frontend's rule lists compiled (ACLs, httpRequest, httpResponse, useBackend), errors located by config path. */
import { configDir } from "./base_dir.ts";
import {
  compileAcls,
  compileBackendRules,
  compileHttpRules,
  type CompileOptions,
  compileStickRules,
  compileTcpRules,
  formatRuleError,
  type RuleError,
  type StickRule,
} from "../rules/mod.ts";
import type { BackendHttpRules, FrontendRules } from "../rules/rule_sets.ts";
import type { CrossIssue } from "./errors.ts";
import type { Config } from "./schema.ts";
import { stickTableSpecs } from "./stick_table_specs.ts";
import { uncheckedBackends } from "./unchecked.ts";
import { userlists } from "./userlists.ts";

/** The default options object, shared so that the per-config cache (and map files) is reused. */
const NO_OPTIONS: CompileOptions = {};

const RULE_OPTIONS = new WeakMap<Config, WeakMap<CompileOptions, CompileOptions>>();

/**
 * The options rules compile with: the caller's (`baseDir`: the config file's directory, for map
 * and pattern files) and the config's backends with their servers, so `nbsrv(x)` or
 * `srv_conn(x/y)` naming none is an error. One per config and options object, so map files are
 * read once for all the frontends and backends compiled with the same options.
 */
export function ruleOptions(config: Config, options: CompileOptions = NO_OPTIONS): CompileOptions {
  let known = RULE_OPTIONS.get(config);
  if (!known) RULE_OPTIONS.set(config, known = new WeakMap());
  let o = known.get(options);
  if (o) return o;
  const backends = new Map<string, readonly string[]>();
  for (const [n, be] of Object.entries(config.backends)) {
    backends.set(n, be.servers.map((s) => s.name));
  }
  for (const [n, servers] of uncheckedBackends(config)) backends.set(n, servers);
  const baseDir = configDir(config);
  const stickTables = stickTableSpecs(config);
  o = {
    ...(baseDir === undefined ? {} : { baseDir }),
    ...options,
    backends,
    stickTables,
    userlists: userlists(config),
  };
  known.set(options, o);
  return o;
}

/** The options of a section that has its own stick table: that table is its rules' default. */
function sectionOptions(o: CompileOptions, name: string, own: boolean): CompileOptions {
  return own ? { ...o, stickTable: name } : o;
}

/**
 * Compiles the rule lists of frontend `name`; every bad line becomes an issue at its list index,
 * e.g. `frontends.web.httpRequest[2]: unknown action "dny" at column 1 (did you mean "deny"?)`.
 */
export function compileFrontendRules(
  config: Config,
  name: string,
  options: CompileOptions = NO_OPTIONS,
): { rules: FrontendRules; issues: CrossIssue[] } {
  const fe = config.frontends[name]!;
  const o = sectionOptions(ruleOptions(config, options), name, fe.stickTable !== undefined);
  const mode = fe.mode ?? config.defaults.mode;
  const issues: CrossIssue[] = [];
  const at = (key: string) => (e: RuleError & { line: number }) =>
    issues.push({ path: ["frontends", name, key, e.line], message: formatRuleError(e) });
  const { acls, errors } = compileAcls(fe.acl ?? [], o);
  errors.forEach(at("acl"));
  const scope = { mode };
  const request = compileHttpRules(fe.httpRequest ?? [], "request", acls, scope, o);
  request.errors.forEach(at("httpRequest"));
  const response = compileHttpRules(fe.httpResponse ?? [], "response", acls, scope, o);
  response.errors.forEach(at("httpResponse"));
  const backends = compileBackendRules(
    fe.useBackend ?? [],
    acls,
    [...o.backends!.keys()],
    scope,
    o,
  );
  backends.errors.forEach(at("useBackend"));
  const tcp = compileTcpRules(fe.tcpRequest ?? [], acls, scope, o);
  tcp.errors.forEach(at("tcpRequest"));
  backends.rules.forEach((r) => {
    if (r.dynamic) return;
    const be = config.backends[r.backend];
    if (be === undefined) return; // a backend that failed validation: its mode is unknown
    const beMode = be.mode ?? config.defaults.mode;
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

/**
 * Compiles the `acl`, `httpRequest`, `httpResponse`, `tcpRequest` and `stick` lists of backend
 * `name`; errors are issues at `backends.NAME.KEY[i]`. Rules is null when the backend has none
 * of the first three; `stick` is empty without stick lines.
 */
export function compileBackendHttpRules(
  config: Config,
  name: string,
  options: CompileOptions = NO_OPTIONS,
): { rules: BackendHttpRules | null; stick: StickRule[]; issues: CrossIssue[] } {
  const be = config.backends[name]!;
  const o = sectionOptions(ruleOptions(config, options), name, be.stickTable !== undefined);
  const mode = be.mode ?? config.defaults.mode;
  const issues: CrossIssue[] = [];
  const at = (key: string) => (e: RuleError & { line: number }) =>
    issues.push({ path: ["backends", name, key, e.line], message: formatRuleError(e) });
  const { acls, errors } = compileAcls(be.acl ?? [], o);
  errors.forEach(at("acl"));
  const request = compileHttpRules(be.httpRequest ?? [], "request", acls, { mode }, o);
  request.errors.forEach(at("httpRequest"));
  const response = compileHttpRules(be.httpResponse ?? [], "response", acls, { mode }, o);
  response.errors.forEach(at("httpResponse"));
  const tcp = compileTcpRules(be.tcpRequest ?? [], acls, { mode }, o);
  tcp.errors.forEach(at("tcpRequest"));
  for (const r of tcp.rules.connection) {
    issues.push({
      path: ["backends", name, "tcpRequest", r.line],
      message: `"connection" rules run at accept, before any backend: put them in the frontend`,
    });
  }
  const stick = compileStickRules(be.stick ?? [], acls, { mode }, o);
  stick.errors.forEach(at("stick"));
  const none = request.rules.length + response.rules.length + tcp.rules.content.length === 0;
  const rules = none ? null : {
    request: request.rules,
    response: response.rules,
    ...(tcp.rules.content.length > 0 ? { tcp: tcp.rules } : {}),
  };
  return { rules, stick: stick.rules, issues };
}
