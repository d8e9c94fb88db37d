/**
 * @module
 * HAProxy-style content switching, compiled once at config load into closures: `tokenize` splits a
 * line into words; `compileSample` builds a fetch and its converters; `compileAcls` names tests
 * (`is_api path_beg /api`); `compileCondition` combines them (`if is_api !is_static || { src
 * 10.0.0.0/8 }`) into `(ctx) => boolean` and says what it reads (`needs`). Errors are values with
 * the word and its column; `formatRuleError` writes them.
 *
 * @example
 * ```ts
 * const { acls, errors } = compileAcls(["is_api path_beg /api", "is_api hdr(host) -i api.local"]);
 * const r = compileCondition("if is_api !METH_POST", acls);
 * if (r.ok && r.condition.test(ctx)) console.log("to api");
 * else if (!r.ok) console.error(formatRuleError(r.error));
 * ```
 */
export * from "./types.ts";
export * from "./errors.ts";
export * from "./tokenize.ts";
export { compileSample, CONVERTERS_BY_NAME, FETCHES, type SampleExpr } from "./sample.ts";
export { CONVERTERS } from "./converters.ts";
export { castFor, TYPE_NAMES } from "./cast.ts";
export {
  compileMatcher,
  defaultMatch,
  MATCH_INPUT,
  type MatchMethod,
  type Pattern,
} from "./match.ts";
export {
  type Acl,
  type AclError,
  type AclTable,
  compileAcls,
  type CompileOptions,
  type FetchUse,
} from "./acl.ts";
export { PREDEFINED_ACLS, predefinedAcl } from "./predefined.ts";
export { pathStart } from "./fetches/_message.ts";
export * from "./condition.ts";
export * from "./actions/mod.ts";
export * from "./rule_sets.ts";
export * from "./stick_rules.ts";
