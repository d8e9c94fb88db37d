/** `tcpRequest` lines: `inspect-delay T`, `connection accept|reject`, `content accept|reject|set-var|unset-var`, with conditions. */
import type { AclTable, CompileOptions, FetchUse } from "../acl.ts";
import { tokenized } from "../acl.ts";
import { compileCondition, type Condition } from "../condition.ts";
import { attempt, fail } from "../_fail.ts";
import { suggest } from "../_suggest.ts";
import { withCompileOptions } from "../sample.ts";
import type { Word } from "../tokenize.ts";
import type { SampleContext } from "../types.ts";
import type { RuleLineError, RuleScope } from "./compile.ts";
import type { ArgUse } from "./_action.ts";
import { HTTP_ACTIONS } from "./http.ts";
import { TCP_STICK_ACTIONS } from "./stick.ts";
import type { HttpRuleTarget } from "./types.ts";

/** When a tcp-request rule runs: once at accept (`connection`) or on the buffered payload (`content`). */
export type TcpRuleStage = "connection" | "content";

/** One compiled tcp-request rule. */
export interface TcpRule {
  /** accept, reject, silent-drop, set-var, unset-var, or a stick action (track-sc0, sc-inc-gpc0, ...). */
  readonly action: string;
  readonly cond: Condition | null;
  /** The line's index in the list, for messages. */
  readonly line: number;
  /** For set-var/unset-var: changes the context's variables. */
  readonly run?: (ctx: SampleContext) => void;
}

/** A frontend's tcp-request rules, by stage. */
export interface TcpRules {
  /** How long content rules may wait for more bytes (ms); 0: they run once on what is there. */
  inspectDelay: number;
  connection: TcpRule[];
  content: TcpRule[];
}

/** What running rules decided: accept, reject, wait for more bytes (a miss), or nothing (go on). */
export type TcpVerdict = "accept" | "reject" | "silent-drop" | "wait" | undefined;

const ACTIONS: Record<TcpRuleStage, readonly string[]> = {
  connection: ["accept", "reject", "silent-drop", ...TCP_STICK_ACTIONS],
  content: ["accept", "reject", "silent-drop", "set-var", "unset-var", ...TCP_STICK_ACTIONS],
};

/** The actions that end the rules with their own name as the verdict. */
const DECIDING: ReadonlySet<string> = new Set(["accept", "reject", "silent-drop"]);

const UNITS: Record<string, number> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  m: 60000,
  h: 3600000,
  d: 86400000,
};

/** A HAProxy time (`5s`, `500ms`, `100`: milliseconds without a unit). */
function delay(w: Word): number {
  const m = /^(\d+)(us|ms|s|m|h|d)?$/.exec(w.text);
  if (!m) fail(`invalid delay "${w.text}" (e.g. 5s, 500ms)`, w.text, w.column);
  return Math.ceil(Number(m[1]) * UNITS[m[2] ?? "ms"]!);
}

/**
 * Compiles `tcpRequest` lines, in HAProxy's syntax without the `tcp-request` keyword (it is
 * accepted too): `inspect-delay 5s`, `connection reject if { src 10.0.0.0/8 }`,
 * `content accept if { req.ssl_hello_type 1 }`, `content set-var(sess.sni) req.ssl_sni`.
 * Connection rules read only the connection; content rules may read the payload (and, in an
 * HTTP frontend, the request).
 */
export function compileTcpRules(
  lines: readonly string[],
  acls: AclTable,
  scope: RuleScope = { mode: "tcp" },
  options: CompileOptions = {},
): { rules: TcpRules; errors: RuleLineError[] } {
  const rules: TcpRules = { inspectDelay: 0, connection: [], content: [] };
  const errors: RuleLineError[] = [];
  lines.forEach((line, index) => {
    const r = attempt(() => {
      let words = tokenized(line, options);
      if (words[0]?.text === "tcp-request") words = words.slice(1);
      const stage = words[0] ?? fail("missing rule", "", 1);
      if (stage.text === "inspect-delay") {
        const w = words[1] ?? fail(`"inspect-delay" needs a time`, stage.text, stage.column);
        if (words[2]) fail(`unexpected "${words[2].text}"`, words[2].text, words[2].column);
        rules.inspectDelay = delay(w);
        return;
      }
      if (stage.text !== "connection" && stage.text !== "content") {
        const hint = suggest(stage.text, ["connection", "content", "inspect-delay"]);
        fail(`unknown tcp-request rule "${stage.text}"`, stage.text, stage.column, hint);
      }
      const rule = compileRule(stage.text, words.slice(1), stage, index, acls, scope, options);
      rules[stage.text].push(rule);
    });
    if (!r.ok) errors.push({ ...r.error, line: index });
  });
  return { rules, errors };
}

function compileRule(
  stage: TcpRuleStage,
  words: readonly Word[],
  at: Word,
  line: number,
  acls: AclTable,
  scope: RuleScope,
  options: CompileOptions,
): TcpRule {
  const cut = words.findIndex((w) => w.text === "if" || w.text === "unless");
  const head = cut < 0 ? words : words.slice(0, cut);
  const kw = head[0] ?? fail(`"${stage}" needs an action`, at.text, at.column);
  const paren = kw.text.indexOf("(");
  const name = paren < 0 ? kw.text : kw.text.slice(0, paren);
  if (!ACTIONS[stage].includes(name)) {
    fail(
      `unknown tcp-request ${stage} action "${name}"`,
      name,
      kw.column,
      suggest(name, [...ACTIONS[stage]]),
    );
  }
  let run: ((ctx: SampleContext) => void) | undefined;
  const uses: (FetchUse | ArgUse)[] = [];
  if (!DECIDING.has(name)) {
    const arg = paren < 0 ? undefined : /^\((.*)\)$/.exec(kw.text.slice(paren))?.[1];
    const def = HTTP_ACTIONS.get(name)!;
    const action = withCompileOptions(
      options,
      () => def.compile(kw, head.slice(1), "request", arg),
    );
    uses.push(...action.uses);
    run = (ctx) => void action.run({ ctx } as HttpRuleTarget);
  } else if (head[1]) {
    fail(
      `unexpected "${head[1].text}" after "${name}"`,
      head[1].text,
      head[1].column,
      `conditions start with "if" or "unless"`,
    );
  }
  let cond: Condition | null = null;
  if (cut >= 0) {
    const c = compileCondition(words.slice(cut), acls, options);
    if (!c.ok) fail(c.error.message, c.error.word, c.error.column, c.error.hint);
    cond = c.condition;
    uses.push(...cond.uses);
  }
  for (const u of uses) {
    const via = "acl" in u && u.acl !== undefined ? ` (through ACL "${u.acl}")` : "";
    if (u.needs === "http-res" || (u.needs === "http-req" && scope.mode === "tcp")) {
      fail(
        `"${u.fetch}"${via} is an HTTP fetch; not allowed in a tcp-request ${stage} rule` +
          (scope.mode === "tcp" ? " of a tcp-mode frontend" : ""),
        u.fetch,
        u.column,
      );
    }
    if (stage === "connection" && u.needs !== "l4") {
      fail(
        `"${u.fetch}"${via} reads the request; a connection rule runs before any byte arrives`,
        u.fetch,
        u.column,
        `use "content" with an inspect-delay`,
      );
    }
  }
  return { action: name, cond, line, ...(run ? { run } : {}) };
}

/**
 * Runs `rules` from index `from` until one decides. A condition that missed (its payload may
 * still grow and the context is not final) stops with "wait" and the index to resume from.
 */
export function evaluateTcpRules(
  rules: readonly TcpRule[],
  ctx: SampleContext,
  from = 0,
): { verdict: TcpVerdict; at: number } {
  for (let i = from; i < rules.length; i++) {
    const rule = rules[i]!;
    if (rule.cond !== null) {
      ctx.miss = false;
      const ok = rule.cond.test(ctx);
      if (ctx.miss && !ctx.final) return { verdict: "wait", at: i };
      if (!ok) continue;
    }
    if (DECIDING.has(rule.action)) {
      return { verdict: rule.action as TcpVerdict, at: i };
    }
    rule.run!(ctx);
  }
  return { verdict: undefined, at: rules.length };
}
