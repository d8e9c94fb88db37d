/** Conditions (`if is_api !is_static || { src 10.0.0.0/8 }`): ACLs combined into one compiled predicate. */
import {
  type AclTable,
  buildAclTest,
  type CompileOptions,
  type FetchUse,
  tokenized,
} from "./acl.ts";
import { attempt, fail } from "./_fail.ts";
import { suggest } from "./_suggest.ts";
import type { RuleError } from "./errors.ts";
import { PREDEFINED_ACLS, predefinedAcl } from "./predefined.ts";
import type { Word } from "./tokenize.ts";
import type { Need, SampleContext } from "./types.ts";

type Predicate = (ctx: SampleContext) => boolean;

/** A compiled condition and what it reads. */
export interface Condition {
  readonly test: Predicate;
  /** What the condition reads, in the order l4, payload, http-req, http-res; each once. */
  readonly needs: readonly Need[];
  /** Each fetch it uses and where, for messages such as `"status" needs a response`. */
  readonly uses: readonly FetchUse[];
}

const NEED_ORDER: readonly Need[] = ["l4", "payload", "http-req", "http-res"];

/**
 * Compiles `if|unless cond`: ACL names (named or predefined) side by side are AND-ed, `||` or `or`
 * separates alternatives (AND binds tighter; there are no parentheses), `!` negates the ACL that
 * follows (also written attached: `!is_static`), `{ criterion [flags] patterns }` is an anonymous
 * ACL. Words are those after the rule's action, starting at `if` or `unless`.
 *
 * @example
 * ```ts
 * const r = compileCondition("if is_api !is_static || { src 10.0.0.0/8 }", acls);
 * if (r.ok && r.condition.test(ctx)) useBackend("api");
 * ```
 */
export function compileCondition(
  words: string | readonly Word[],
  acls: AclTable,
  options: CompileOptions = {},
): { ok: true; condition: Condition } | { ok: false; error: RuleError } {
  const r = attempt(() =>
    build(typeof words === "string" ? tokenized(words, options) : words, acls, options)
  );
  return r.ok ? { ok: true, condition: r.value } : r;
}

function build(words: readonly Word[], acls: AclTable, options: CompileOptions): Condition {
  const kw = words[0];
  if (kw?.text !== "if" && kw?.text !== "unless") {
    fail(`expected "if" or "unless"`, kw?.text ?? "", kw?.column ?? 1);
  }
  const terms: Predicate[][] = [[]];
  const uses: FetchUse[] = [];
  let negate = false;
  let bang: Word | undefined;
  let last: Word = kw;
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    last = w;
    if (w.text === "||" || w.text === "or") {
      if (bang) fail(`"!" must be followed by an ACL`, "!", bang.column);
      if (terms[terms.length - 1]!.length === 0) {
        fail(`missing ACL before "${w.text}"`, w.text, w.column);
      }
      terms.push([]);
      continue;
    }
    let k = 0;
    while (w.text[k] === "!") k++;
    if (k > 0) {
      negate = k % 2 === 1 ? !negate : negate;
      bang ??= w;
    }
    const name = w.text.slice(k);
    if (name === "") continue;
    const column = w.column + k;
    let test: Predicate;
    if (name === "{") {
      let close = i + 1;
      while (close < words.length && words[close]!.text !== "}") {
        if (words[close]!.text === "{") fail(`"{" cannot be nested`, "{", words[close]!.column);
        close++;
      }
      if (close >= words.length) fail(`missing "}" for the "{" here`, "{", column);
      if (close === i + 1) fail(`empty anonymous ACL`, "{", column);
      const anon = buildAclTest(words.slice(i + 1, close), options);
      test = anon.test;
      uses.push(anon.use);
      i = close;
      last = words[close]!;
    } else if (name === "}") {
      fail(`"}" without a "{" before it`, "}", column);
    } else {
      const acl = acls.get(name) ?? predefinedAcl(name) ?? unknown(name, column, acls);
      test = acl.test;
      for (const u of acl.uses) uses.push({ fetch: u.fetch, needs: u.needs, column, acl: name });
    }
    terms[terms.length - 1]!.push(negate ? (ctx) => !test(ctx) : test);
    negate = false;
    bang = undefined;
  }
  if (bang) fail(`"!" must be followed by an ACL`, "!", bang.column);
  if (terms[terms.length - 1]!.length === 0) {
    if (terms.length === 1) fail(`"${kw.text}" needs a condition after it`, kw.text, kw.column);
    fail(`missing ACL after "${last.text}"`, last.text, last.column);
  }
  const or = any(terms.map(all));
  const needs = NEED_ORDER.filter((n) => uses.some((u) => u.needs === n));
  return { test: kw.text === "unless" ? (ctx) => !or(ctx) : or, needs, uses };
}

function unknown(name: string, column: number, acls: AclTable): never {
  const hint = name === "and" || name === "&&"
    ? `ACLs side by side are AND-ed: drop "${name}"`
    : name === "(" || name === ")"
    ? "conditions have no parentheses: name the parts with ACLs"
    : suggest(name, [...acls.keys(), ...Object.keys(PREDEFINED_ACLS)]);
  return fail(`unknown ACL "${name}"`, name, column, hint);
}

function all(list: Predicate[]): Predicate {
  if (list.length === 1) return list[0]!;
  if (list.length === 2) {
    const [a, b] = list as [Predicate, Predicate];
    return (ctx) => a(ctx) && b(ctx);
  }
  return (ctx) => {
    for (let i = 0; i < list.length; i++) if (!list[i]!(ctx)) return false;
    return true;
  };
}

function any(list: Predicate[]): Predicate {
  if (list.length === 1) return list[0]!;
  if (list.length === 2) {
    const [a, b] = list as [Predicate, Predicate];
    return (ctx) => a(ctx) || b(ctx);
  }
  return (ctx) => {
    for (let i = 0; i < list.length; i++) if (list[i]!(ctx)) return true;
    return false;
  };
}
