/** Compiling rule lists (`httpRequest`, `httpResponse`, `useBackend`): every bad line reported, with its index and column. */
import type { AclTable, CompileOptions, FetchUse } from "../acl.ts";
import { tokenized } from "../acl.ts";
import { compileCondition, type Condition } from "../condition.ts";
import type { RuleError } from "../errors.ts";
import { attempt, fail } from "../_fail.ts";
import { suggest } from "../_suggest.ts";
import { withCompileOptions } from "../sample.ts";
import type { Word } from "../tokenize.ts";
import { type ArgUse, HTTP_ACTIONS } from "./http.ts";
import { compileLogFormat, type LogFormat } from "./log_format.ts";
import type { BackendRule, HttpRule, HttpRuleTarget, RuleSide, Verdict } from "./types.ts";

/** An error in one line of a rule list: `line` is its index in the list. */
export interface RuleLineError extends RuleError {
  line: number;
}

/** What the list's section can provide to the rules, so a rule reading anything else is refused. */
export interface RuleScope {
  /** The section's mode: tcp refuses HTTP fetches and HTTP rules. */
  mode: "tcp" | "http";
}

/** The rule words split at `if`/`unless`: the action part and the condition, if any. */
function splitCondition(words: readonly Word[]): [readonly Word[], readonly Word[] | null] {
  const at = words.findIndex((w, i) => i > 0 && (w.text === "if" || w.text === "unless"));
  return at < 0 ? [words, null] : [words.slice(0, at), words.slice(at)];
}

function condition(
  words: readonly Word[] | null,
  acls: AclTable,
  o: CompileOptions,
): Condition | null {
  if (words === null) return null;
  const r = compileCondition(words, acls, o);
  if (!r.ok) fail(r.error.message, r.error.word, r.error.column, r.error.hint);
  return r.condition;
}

/** Refuses a fetch whose data the rule cannot have: a response in a request rule, HTTP in TCP mode. */
function checkUses(
  uses: readonly (FetchUse | ArgUse)[],
  where: string,
  side: RuleSide,
  scope: RuleScope,
): void {
  for (const u of uses) {
    const via = "acl" in u && u.acl !== undefined ? ` (through ACL "${u.acl}")` : "";
    if (scope.mode === "tcp" && (u.needs === "http-req" || u.needs === "http-res")) {
      fail(
        `"${u.fetch}"${via} is an HTTP fetch; not allowed in a tcp-mode ${where}`,
        u.fetch,
        u.column,
      );
    }
    if (side === "request" && u.needs === "http-res") {
      fail(`"${u.fetch}"${via} needs a response; not allowed in ${where}`, u.fetch, u.column);
    }
  }
}

/**
 * Compiles `httpRequest` or `httpResponse` lines (`action [args] [if|unless cond]`), collecting
 * one error per bad line.
 *
 * @example
 * ```ts
 * const { rules, errors } = compileHttpRules(["deny if blocked"], "request", acls);
 * const verdict = evaluateHttpRules(rules, { ctx, req });
 * ```
 */
export function compileHttpRules(
  lines: readonly string[],
  side: RuleSide,
  acls: AclTable,
  scope: RuleScope = { mode: "http" },
  options: CompileOptions = {},
): { rules: HttpRule[]; errors: RuleLineError[] } {
  const rules: HttpRule[] = [];
  const errors: RuleLineError[] = [];
  const where = side === "request" ? "an http-request rule" : "an http-response rule";
  lines.forEach((line, index) => {
    const r = attempt((): HttpRule => {
      const [head, tail] = splitCondition(tokenized(line, options));
      const kw = head[0] ?? fail("missing action", "", 1);
      const paren = kw.text.indexOf("(");
      const name = paren < 0 ? kw.text : kw.text.slice(0, paren);
      const arg = paren < 0 ? undefined : /^\((.*)\)$/.exec(kw.text.slice(paren))?.[1];
      const def = HTTP_ACTIONS.get(name);
      if (!def) {
        const known = [...HTTP_ACTIONS.values()].filter((d) => d.sides.includes(side));
        fail(`unknown action "${name}"`, name, kw.column, suggest(name, known.map((d) => d.name)));
      }
      if (!def.sides.includes(side)) {
        const other = side === "request" ? "http-response" : "http-request";
        fail(`"${name}" is an ${other} action; not allowed in ${where}`, name, kw.column);
      }
      if (scope.mode === "tcp") {
        fail(`${where.slice(3)}s need http mode; this section is in tcp mode`, name, kw.column);
      }
      const action = withCompileOptions(options, () => def.compile(kw, head.slice(1), side, arg));
      checkUses(action.uses, where, side, scope);
      const cond = condition(tail, acls, options);
      if (cond) checkUses(cond.uses, where, side, scope);
      return { action: name, cond, run: action.run };
    });
    if (r.ok) rules.push(r.value);
    else errors.push({ ...r.error, line: index });
  });
  return { rules, errors };
}

/**
 * Compiles `useBackend` lines (`backend [if|unless cond]`) against the backends that exist.
 *
 * @example
 * ```ts
 * const { rules } = compileBackendRules(["api if is_api"], acls, ["api", "app"]);
 * ```
 */
export function compileBackendRules(
  lines: readonly string[],
  acls: AclTable,
  backends: readonly string[],
  scope: RuleScope = { mode: "http" },
  options: CompileOptions = {},
): { rules: BackendRule[]; errors: RuleLineError[] } {
  const rules: BackendRule[] = [];
  const errors: RuleLineError[] = [];
  lines.forEach((line, index) => {
    const r = attempt((): BackendRule => {
      const [head, tail] = splitCondition(tokenized(line, options));
      const be = head[0] ?? fail("missing backend name", "", 1);
      let dynamic: LogFormat | undefined;
      if (be.text.includes("%[")) {
        dynamic = withCompileOptions(options, () => compileLogFormat(be));
        checkUses(dynamic.needs, "useBackend rule", "request", scope);
      } else if (!backends.includes(be.text)) {
        fail(`unknown backend "${be.text}"`, be.text, be.column, suggest(be.text, backends));
      }
      const extra = head[1];
      if (extra) {
        fail(
          `unexpected "${extra.text}" after the backend name`,
          extra.text,
          extra.column,
          `conditions start with "if" or "unless"`,
        );
      }
      const cond = condition(tail, acls, options);
      if (cond) checkUses(cond.uses, "useBackend rule", "request", scope);
      if (dynamic && !dynamic.constant) {
        const render = dynamic.render;
        return { backend: be.text, dynamic: render, line: index, cond };
      }
      return { backend: dynamic?.text ?? be.text, line: index, cond };
    });
    if (r.ok) rules.push(r.value);
    else errors.push({ ...r.error, line: index });
  });
  return { rules, errors };
}

/** Runs rules in order until one decides; `undefined` when none did (the request goes on). */
export function evaluateHttpRules(
  rules: readonly HttpRule[],
  t: HttpRuleTarget,
): Verdict | undefined {
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (rule.cond !== null && !rule.cond.test(t.ctx)) continue;
    const v = rule.run(t);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** The backend of the first rule whose condition holds, or undefined. */
export function chooseBackend(
  rules: readonly BackendRule[],
  ctx: HttpRuleTarget["ctx"],
): string | undefined {
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if (r.cond === null || r.cond.test(ctx)) return r.dynamic ? r.dynamic(ctx) : r.backend;
  }
  return undefined;
}
