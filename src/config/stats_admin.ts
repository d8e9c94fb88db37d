/** A frontend's `stats` settings with the defaults' merged in, and its `admin` condition compiled with the frontend's ACLs. */
import { compileAcls, compileCondition, formatRuleError } from "../rules/mod.ts";
import type { Condition } from "../rules/condition.ts";
import type { CrossIssue } from "./errors.ts";
import { ruleOptions } from "./rules.ts";
import type { Config } from "./schema.ts";
import type { StatsConfig } from "./stats_schema.ts";

/** The frontend's own `stats`, else the defaults'; undefined: no stats page. */
export function statsOf(config: Config, name: string): StatsConfig | undefined {
  const fe = config.frontends[name];
  return fe?.stats ?? config.defaults.stats;
}

/** The compiled `stats.admin` condition (null when none), or the issue that keeps it from compiling. */
export function compileStatsAdmin(
  config: Config,
  name: string,
): { condition: Condition | null; issues: CrossIssue[] } {
  const stats = statsOf(config, name);
  if (stats?.admin === undefined) return { condition: null, issues: [] };
  const o = ruleOptions(config);
  const { acls } = compileAcls(config.frontends[name]?.acl ?? [], o);
  const r = compileCondition(stats.admin, acls, o);
  if (r.ok) return { condition: r.condition, issues: [] };
  const where = config.frontends[name]?.stats ? ["frontends", name] : ["defaults"];
  return {
    condition: null,
    issues: [{ path: [...where, "stats", "admin"], message: formatRuleError(r.error) }],
  };
}
