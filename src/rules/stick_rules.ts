/** A backend's `stick match|on|store-request|store-response EXPR [table T] [if|unless cond]` lines, compiled (HAProxy's sticking rules). */
import { type AclTable, type CompileOptions, type FetchUse, tokenized } from "./acl.ts";
import { compileCondition, type Condition } from "./condition.ts";
import { attempt, fail } from "./_fail.ts";
import { suggest } from "./_suggest.ts";
import { tableArg } from "./_stick.ts";
import { compileSample, loadContext, type SampleExpr } from "./sample.ts";
import { ArgumentError } from "./types.ts";
import type { RuleLineError, RuleScope } from "./actions/compile.ts";

/** The rule keywords, as HAProxy's `stick` takes them. */
export const STICK_KINDS = ["on", "match", "store-request", "store-response"] as const;
export type StickKind = typeof STICK_KINDS[number];

/** One compiled stick line. `on` is `match` then `store-request` with the same arguments. */
export interface StickRule {
  readonly kind: StickKind;
  /** Looks the key up before balancing: a found entry's server takes the request. */
  readonly match: boolean;
  /** Stores the key with the server once chosen (request) or from the response. */
  readonly store: "request" | "response" | null;
  /** The table's name: the one named, else the backend's own. */
  readonly table: string;
  readonly sample: SampleExpr;
  readonly cond: Condition | null;
  /** The line's index in the list, for messages. */
  readonly line: number;
}

/** Refuses what the line's direction or the backend's mode cannot give: a response to a request rule, HTTP to TCP. */
function checkUses(uses: readonly FetchUse[], kind: StickKind, scope: RuleScope): void {
  for (const u of uses) {
    const via = u.acl !== undefined ? ` (through ACL "${u.acl}")` : "";
    if (scope.mode === "tcp" && (u.needs === "http-req" || u.needs === "http-res")) {
      fail(
        `"${u.fetch}"${via} is an HTTP fetch; not allowed in a tcp-mode backend`,
        u.fetch,
        u.column,
      );
    }
    if (kind !== "store-response" && u.needs === "http-res") {
      fail(
        `"${u.fetch}"${via} reads the response; "stick ${kind}" runs on the request`,
        u.fetch,
        u.column,
        `use "stick store-response"`,
      );
    }
  }
}

function compileLine(
  line: string,
  index: number,
  acls: AclTable,
  scope: RuleScope,
  options: CompileOptions,
): StickRule {
  let words = tokenized(line, options);
  if (words[0]?.text === "stick") words = words.slice(1);
  const kw = words[0] ?? fail("missing stick rule", "", 1);
  const kind = kw.text as StickKind;
  if (!STICK_KINDS.includes(kind)) {
    fail(`unknown stick rule "${kw.text}"`, kw.text, kw.column, suggest(kw.text, [...STICK_KINDS]));
  }
  if (kind === "store-response" && scope.mode === "tcp") {
    fail(
      `"stick store-response" is not implemented in tcp mode (no response inspection)`,
      kw.text,
      kw.column,
    );
  }
  const cut = words.findIndex((w) => w.text === "if" || w.text === "unless");
  const head = cut < 0 ? words : words.slice(0, cut);
  const expr = head[1] ??
    fail(`"stick ${kind}" needs a sample expression (e.g. src)`, kw.text, kw.column);
  const r = compileSample(expr, options);
  if (!r.ok) fail(r.error.message, r.error.word, r.error.column, r.error.hint);
  let named: string | undefined;
  if (head[2]) {
    if (head[2].text !== "table") {
      fail(
        `expected "table" or "if"/"unless" after the expression, got "${head[2].text}"`,
        head[2].text,
        head[2].column,
      );
    }
    named = (head[3] ?? fail(`"table" needs a table name`, head[2].text, head[2].column)).text;
    if (head[4]) fail(`unexpected "${head[4].text}"`, head[4].text, head[4].column);
  }
  let table: string;
  try {
    table = tableArg(named, 0, loadContext(options));
  } catch (e) {
    if (!(e instanceof ArgumentError)) throw e;
    const at = head[3] ?? kw;
    const msg = named === undefined
      ? `backend has no stickTable: declare one or name a table (stick ${kind} ${expr.text} table NAME)`
      : e.message;
    fail(msg, at.text, at.column);
  }
  let cond: Condition | null = null;
  const uses: FetchUse[] = [{
    fetch: r.sample.fetch,
    needs: r.sample.needs,
    column: r.sample.column,
  }];
  if (cut >= 0) {
    const c = compileCondition(words.slice(cut), acls, options);
    if (!c.ok) fail(c.error.message, c.error.word, c.error.column, c.error.hint);
    cond = c.condition;
    uses.push(...cond.uses);
  }
  checkUses(uses, kind, scope);
  return {
    kind,
    match: kind === "on" || kind === "match",
    store: kind === "on" || kind === "store-request"
      ? "request"
      : kind === "store-response"
      ? "response"
      : null,
    table,
    sample: r.sample,
    cond,
    line: index,
  };
}

/**
 * Compiles a backend's `stick` lines (the `stick` keyword itself is optional), one error per bad
 * line: `on src`, `match req.cook(SID) table sessions`, `store-response res.cook(SID)`.
 */
export function compileStickRules(
  lines: readonly string[],
  acls: AclTable,
  scope: RuleScope,
  options: CompileOptions = {},
): { rules: StickRule[]; errors: RuleLineError[] } {
  const rules: StickRule[] = [];
  const errors: RuleLineError[] = [];
  lines.forEach((line, index) => {
    const r = attempt(() => compileLine(line, index, acls, scope, options));
    if (r.ok) rules.push(r.value);
    else errors.push({ ...r.error, line: index });
  });
  return { rules, errors };
}

/** The tables stick lines name (a rough read, before compiling): the config adds server_id to them. */
export function stickTableNames(lines: readonly string[], own: string | undefined): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const m = /\stable\s+(\S+)/.exec(line.split(/\s(?:if|unless)\s/)[0]!);
    const name = m ? m[1]! : own;
    if (name !== undefined && !out.includes(name)) out.push(name);
  }
  return out;
}
